package dev.arpg.conditions.canny;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.Canny;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LANCZOS4;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_NEAREST;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/** The OpenCV calls of the Canny condition, on plain byte arrays. */
final class OpenCvCanny {
    private OpenCvCanny() {
    }

    /**
     * Finds edges in an RGB image as OpenCV does for a 3-channel input (per pixel, the channel with
     * the strongest gradient), optionally after a Gaussian blur and a resize.
     *
     * @param rgb interleaved RGB bytes, {@code height * width * 3}
     * @param width image width
     * @param height image height
     * @param outWidth width to resize the image to before edge detection (same as width for none)
     * @param outHeight height to resize the image to
     * @param s the settings
     * @return {@code outHeight * outWidth} bytes, 255 on edges, 0 elsewhere
     */
    static byte[] edges(byte[] rgb, int width, int height, int outWidth, int outHeight, CannySettings s) {
        try (Mat image = new Mat(height, width, CV_8UC3); Mat sized = new Mat(); Mat blurred = new Mat();
                Mat edges = new Mat()) {
            image.data().put(rgb, 0, rgb.length);
            Mat input = image;
            if (outWidth != width || outHeight != height) {
                // ControlNet's resize_image: area averaging to shrink, Lanczos to enlarge.
                boolean enlarge = (double) outWidth * outHeight > (double) width * height;
                try (Size size = new Size(outWidth, outHeight)) {
                    resize(image, sized, size, 0, 0, enlarge ? INTER_LANCZOS4 : INTER_AREA);
                }
                input = sized;
            }
            if (s.blur() > 0) {
                try (Size k = new Size(s.blur(), s.blur())) {
                    GaussianBlur(input, blurred, k, 0);
                }
                input = blurred;
            }
            Canny(input, edges, s.low(), s.high(), s.aperture(), s.l2Gradient());
            return bytes(edges, outWidth, outHeight);
        }
    }

    /**
     * Resizes a binary map with nearest neighbour (OpenCV's {@code INTER_NEAREST}).
     *
     * @param map {@code height * width} bytes
     * @param width map width
     * @param height map height
     * @param outWidth new width
     * @param outHeight new height
     * @return {@code outHeight * outWidth} bytes
     */
    static byte[] nearest(byte[] map, int width, int height, int outWidth, int outHeight) {
        if (width == outWidth && height == outHeight) {
            return map;
        }
        try (Mat in = new Mat(height, width, org.bytedeco.opencv.global.opencv_core.CV_8UC1); Mat out = new Mat();
                Size size = new Size(outWidth, outHeight)) {
            in.data().put(map, 0, map.length);
            resize(in, out, size, 0, 0, INTER_NEAREST);
            return bytes(out, outWidth, outHeight);
        }
    }

    private static byte[] bytes(Mat m, int width, int height) {
        byte[] out = new byte[width * height];
        Mat src = m.isContinuous() ? m : m.clone();
        try {
            src.data().get(out, 0, out.length);
        } finally {
            if (src != m) {
                src.close();
            }
        }
        return out;
    }
}
