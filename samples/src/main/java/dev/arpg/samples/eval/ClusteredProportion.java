package dev.arpg.samples.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * A proportion of successes measured over clusters of trials that are not independent, with its
 * 95 % interval. Class fidelity is one: the images of one generation request share a decoding
 * order, so they succeed or fail together more often than independent draws would, and a plain
 * binomial interval would be too narrow. The interval uses the cluster-robust (sandwich) variance
 * of a mean, with the small-sample factor C / (C - 1) over C clusters.
 */
public final class ClusteredProportion {
    private static final double Z95 = 1.959963984540054;

    private final List<Cluster> clusters = new ArrayList<>();

    private record Cluster(int successes, int trials) {
    }

    /**
     * Adds one cluster.
     *
     * @param clusterSuccesses successes in the cluster
     * @param clusterTrials trials in the cluster (at least 1, at least the successes)
     * @throws IllegalArgumentException if the counts are impossible
     */
    public void add(int clusterSuccesses, int clusterTrials) {
        if (clusterTrials < 1 || clusterSuccesses < 0 || clusterSuccesses > clusterTrials) {
            throw new IllegalArgumentException("a cluster needs 0 <= successes <= trials and trials >= 1, got "
                    + clusterSuccesses + " of " + clusterTrials);
        }
        clusters.add(new Cluster(clusterSuccesses, clusterTrials));
    }

    /**
     * @return the proportion of successes over all trials
     * @throws IllegalStateException if nothing was added
     */
    public double proportion() {
        if (clusters.isEmpty()) {
            throw new IllegalStateException("no trials added");
        }
        return (double) successes() / trials();
    }

    /**
     * @return half the width of the 95 % interval around {@link #proportion()} (0 with one cluster)
     * @throws IllegalStateException if nothing was added
     */
    public double halfWidth95() {
        double p = proportion();
        int c = clusters.size();
        if (c < 2) {
            return 0;
        }
        double squares = 0;
        for (Cluster cluster : clusters) {
            double residual = cluster.successes() - cluster.trials() * p;
            squares += residual * residual;
        }
        double trials = trials();
        return Z95 * Math.sqrt((double) c / (c - 1) * squares / (trials * trials));
    }

    private long successes() {
        return clusters.stream().mapToLong(Cluster::successes).sum();
    }

    private long trials() {
        return clusters.stream().mapToLong(Cluster::trials).sum();
    }

    /** @return the number of clusters added */
    public int clusters() {
        return clusters.size();
    }
}
