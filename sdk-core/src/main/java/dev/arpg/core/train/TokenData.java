package dev.arpg.core.train;

import dev.arpg.api.InvalidRequestException;

/**
 * Tokenized training images: one raster-order token grid and one class label per image.
 *
 * @param tokens token grids
 * @param labels class labels
 */
public record TokenData(int[][] tokens, int[] labels) {
    /**
     * Checks that both have one entry per image.
     *
     * @param tokens token grids
     * @param labels class labels
     */
    public TokenData {
        if (tokens.length == 0 || tokens.length != labels.length) {
            throw new InvalidRequestException("token data needs one label per token grid and at least one image, got "
                    + tokens.length + " grids and " + labels.length + " labels");
        }
    }

    /** @return number of images */
    public int size() {
        return tokens.length;
    }
}
