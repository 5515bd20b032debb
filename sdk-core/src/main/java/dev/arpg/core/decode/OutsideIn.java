package dev.arpg.core.decode;

import java.util.Arrays;

/**
 * The outside-in decoding order ({@link dev.arpg.api.DecodingOrder#outsideIn()}): cells sorted by
 * decreasing distance of their centre from the grid's centre. The sort is stable, so cells at equal
 * distance keep the order they came in (a seeded shuffle, when the decoder calls it).
 */
final class OutsideIn {
    private OutsideIn() {
    }

    /**
     * Sorts cells of a square grid from the outside in.
     *
     * @param cells raster indices of cells, in the order that breaks ties
     * @param side the grid's side
     * @return a new array: the same cells, farthest from the centre first
     */
    static int[] sort(int[] cells, int side) {
        return Arrays.stream(cells).boxed()
                .sorted((a, b) -> Integer.compare(distanceSquared(b, side), distanceSquared(a, side)))
                .mapToInt(Integer::intValue).toArray();
    }

    /** Four times the squared distance of a cell's centre from the grid's centre (exact in integers). */
    private static int distanceSquared(int cell, int side) {
        int dx = 2 * (cell % side) - (side - 1);
        int dy = 2 * (cell / side) - (side - 1);
        return dx * dx + dy * dy;
    }
}
