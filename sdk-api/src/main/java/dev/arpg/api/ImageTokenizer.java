package dev.arpg.api;

import java.awt.image.BufferedImage;

/**
 * Turns square RGB images into grids of discrete tokens and back (a VQ tokenizer such as
 * LlamaGen's VQ-16). An image of {@link #imageSize()} pixels square becomes {@link #gridSize()}
 * &times; {@link #gridSize()} tokens, each in {@code [0, }{@link #codebookSize()}{@code )}, listed
 * in raster order (row by row, left to right): token {@code r * gridSize() + c} covers the
 * {@link #downsampling()}-pixel square at grid row {@code r}, column {@code c}.
 *
 * <p>Images of any {@link BufferedImage} type are accepted; transparent pixels are composited on
 * white. Images whose size differs from {@link #imageSize()} are rejected unless the caller asks
 * for {@link ResizePolicy#CENTER_CROP_AND_SCALE}. Decoded images are opaque
 * {@link BufferedImage#TYPE_INT_RGB}. Implementations are thread-safe; close the tokenizer to
 * free its weights.
 */
public interface ImageTokenizer extends AutoCloseable {

    /** What {@link #encode(ResizePolicy, BufferedImage...)} does with an image of the wrong size. */
    enum ResizePolicy {
        /** Refuse it with an {@link InvalidRequestException}. */
        REJECT,
        /**
         * Crop the largest centred square, then scale it to {@link ImageTokenizer#imageSize()} (bicubic);
         * images that already have the right size are used unchanged.
         */
        CENTER_CROP_AND_SCALE
    }

    /** @return width and height, in pixels, of the images this tokenizer encodes and decodes */
    int imageSize();

    /** @return pixels per token along each axis: {@code imageSize() / gridSize()} */
    int downsampling();

    /** @return tokens along each axis of the grid; an image has {@code gridSize()²} tokens */
    int gridSize();

    /** @return number of distinct tokens; every token lies in {@code [0, codebookSize())} */
    int codebookSize();

    /**
     * Encodes images of exactly {@link #imageSize()} pixels square.
     *
     * @param images one or more images
     * @return one row per image, each of {@code gridSize()²} tokens in raster order
     * @throws InvalidRequestException if there is no image, an image is null, empty or of
     *     another size
     */
    default int[][] encode(BufferedImage... images) {
        return encode(ResizePolicy.REJECT, images);
    }

    /**
     * Encodes images, resizing them first if {@code policy} says so.
     *
     * @param policy what to do with images of another size than {@link #imageSize()}
     * @param images one or more images
     * @return one row per image, each of {@code gridSize()²} tokens in raster order
     * @throws InvalidRequestException if there is no image, an image is null or empty, or it
     *     has another size and {@code policy} is {@link ResizePolicy#REJECT}
     */
    int[][] encode(ResizePolicy policy, BufferedImage... images);

    /**
     * Decodes token grids to images.
     *
     * @param tokens one row per image, each of {@code gridSize()²} tokens in raster order
     * @return one {@code imageSize()}-square {@link BufferedImage#TYPE_INT_RGB} image per row
     * @throws InvalidRequestException if there is no row, a row is null or has another length,
     *     or a token lies outside {@code [0, codebookSize())}
     */
    BufferedImage[] decode(int[][] tokens);

    /** Frees the tokenizer's weights; it cannot be used afterwards. */
    @Override
    void close();
}
