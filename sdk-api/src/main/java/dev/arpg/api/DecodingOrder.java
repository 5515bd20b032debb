package dev.arpg.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The order in which the grid cells are decoded: a seeded random permutation (ARPG's default),
 * outside-in, raster order, or a permutation given by the caller. Immutable.
 */
public final class DecodingOrder {
    private static final DecodingOrder RANDOM = new DecodingOrder(Kind.RANDOM, null);
    private static final DecodingOrder OUTSIDE_IN = new DecodingOrder(Kind.OUTSIDE_IN, null);
    private static final DecodingOrder RASTER = new DecodingOrder(Kind.RASTER, null);

    /** The kinds of order. */
    public enum Kind {
        /** A uniformly random permutation drawn from the request's seed. */
        RANDOM,
        /**
         * The cells farthest from the grid's centre first, then inwards (by Euclidean distance between
         * cell centres); cells at equal distance in a random order drawn from the request's seed.
         */
        OUTSIDE_IN,
        /** Row by row, left to right. */
        RASTER,
        /** A permutation supplied by the caller. */
        GIVEN
    }

    private final Kind kind;
    private final int[] permutation;

    private DecodingOrder(Kind kind, int[] permutation) {
        this.kind = kind;
        this.permutation = permutation;
    }

    /**
     * A seeded random order (the default).
     *
     * @return the random order
     */
    public static DecodingOrder random() {
        return RANDOM;
    }

    /**
     * Outside-in order: the border and corners first, the centre last, ties broken by the seed. A
     * model trained on random orders (as ARPG is) can decode in any order; on object-centred images
     * this one lets the background settle before the object is drawn inside it. It is meant
     * for one token per step: with many tokens per step the centre is decided in one or two steps,
     * all at once. The embedded {@code shapes} model recommends it with 64 steps; its model card has
     * the measurements.
     *
     * @return the outside-in order
     */
    public static DecodingOrder outsideIn() {
        return OUTSIDE_IN;
    }

    /**
     * Raster order.
     *
     * @return the raster order
     */
    public static DecodingOrder raster() {
        return RASTER;
    }

    /**
     * A caller-given order: {@code permutation[j]} is the raster index decoded j-th. It must be a
     * permutation of {@code 0 .. tokens-1}; this is checked against the model's token count when
     * the request runs.
     *
     * @param permutation raster positions in decoding order
     * @return the order
     * @throws InvalidRequestException if the array is empty or not a permutation
     */
    public static DecodingOrder of(int... permutation) {
        if (permutation == null || permutation.length == 0) {
            throw new InvalidRequestException("decoding order: the permutation is empty");
        }
        boolean[] seen = new boolean[permutation.length];
        for (int p : permutation) {
            if (p < 0 || p >= permutation.length || seen[p]) {
                throw new InvalidRequestException("decoding order: " + Arrays.toString(permutation)
                        + " is not a permutation of 0.." + (permutation.length - 1));
            }
            seen[p] = true;
        }
        return new DecodingOrder(Kind.GIVEN, permutation.clone());
    }

    /**
     * The order a name stands for, as {@link #toString()} writes it: {@code random},
     * {@code outside-in} or {@code raster} (case and {@code _} for {@code -} do not matter). A given
     * permutation has no name: use {@link #of(int...)}.
     *
     * @param name the order's name
     * @return the order
     * @throws InvalidRequestException if the name is none of these
     */
    public static DecodingOrder named(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (key) {
            case "random" -> RANDOM;
            case "outside-in" -> OUTSIDE_IN;
            case "raster" -> RASTER;
            default -> throw new InvalidRequestException("decoding order: unknown name '" + name
                    + "' (use random, outside-in or raster)");
        };
    }

    /**
     * Which kind of order this is.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The caller's permutation, for {@link Kind#GIVEN} only.
     *
     * @return a copy of the permutation, or empty for random and raster orders
     */
    public Optional<int[]> permutation() {
        return Optional.ofNullable(permutation).map(int[]::clone);
    }

    @Override
    public String toString() {
        return kind == Kind.GIVEN ? "given" + Arrays.toString(permutation)
                : kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
