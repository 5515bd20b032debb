package dev.arpg.samples.shapes;

import java.awt.Shape;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;

/**
 * The classes of the procedural dataset, each an outline centred on the origin with radius 1, and
 * the solid it is rendered as for the depth map.
 */
public enum ShapeKind {
    /** A disc; a dome in depth. */
    CIRCLE(true),
    /** A square; a pyramid in depth. */
    SQUARE(false),
    /** A triangle; a pyramid in depth. */
    TRIANGLE(false),
    /** A ring; a torus-like ridge in depth. */
    RING(true),
    /** A plus sign; a ridged cross in depth. */
    CROSS(false),
    /** A five-pointed star; a pyramid in depth. */
    STAR(false);

    private final boolean round;

    ShapeKind(boolean round) {
        this.round = round;
    }

    /** @return true when the depth profile is round (a dome) rather than a pyramid */
    public boolean round() {
        return round;
    }

    /** @return the class names in label order */
    public static java.util.List<String> names() {
        return java.util.Arrays.stream(values()).map(k -> k.name().toLowerCase(java.util.Locale.ROOT)).toList();
    }

    /** @return the outline with radius 1 around the origin */
    public Shape outline() {
        return switch (this) {
            case CIRCLE -> new Ellipse2D.Double(-1, -1, 2, 2);
            case SQUARE -> new Rectangle2D.Double(-0.8, -0.8, 1.6, 1.6);
            case TRIANGLE -> polygon(3, 1.0, 1.0, -Math.PI / 2);
            case RING -> {
                Area ring = new Area(new Ellipse2D.Double(-1, -1, 2, 2));
                ring.subtract(new Area(new Ellipse2D.Double(-0.5, -0.5, 1, 1)));
                yield ring;
            }
            case CROSS -> {
                Area cross = new Area(new Rectangle2D.Double(-1, -0.3, 2, 0.6));
                cross.add(new Area(new Rectangle2D.Double(-0.3, -1, 0.6, 2)));
                yield cross;
            }
            case STAR -> polygon(10, 1.0, 0.45, -Math.PI / 2);
        };
    }

    /** A regular polygon, alternating between two radii when they differ (a star). */
    private static Shape polygon(int corners, double outer, double inner, double start) {
        Path2D.Double path = new Path2D.Double();
        for (int i = 0; i < corners; i++) {
            double r = i % 2 == 0 ? outer : inner;
            double a = start + 2 * Math.PI * i / corners;
            if (i == 0) {
                path.moveTo(r * Math.cos(a), r * Math.sin(a));
            } else {
                path.lineTo(r * Math.cos(a), r * Math.sin(a));
            }
        }
        path.closePath();
        return path;
    }
}
