package dev.arpg.core.control;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.arpg.api.ConditionInput;
import dev.arpg.core.autograd.Autograd;
import java.util.ArrayList;
import java.util.List;

/**
 * The position queries of a controlled generation (ARPG-SPEC section 8): the query for target
 * {@code r} is {@code embed[MASK] + sum over active conditions of scale * offset[r]}. Keys, values,
 * the KV cache and the schedule are untouched, so control adds no sequence length. Immutable; the
 * offsets belong to the request's manager.
 */
public final class ControlQueries {
    private static final ControlQueries NONE = new ControlQueries(List.of());

    /**
     * One condition's contribution.
     *
     * @param offsets {@code [cells, dim]} from its {@link ControlEncoder}
     * @param input its scale and active window
     */
    public record Term(NDArray offsets, ConditionInput input) {
    }

    private final List<Term> terms;

    private ControlQueries(List<Term> terms) {
        this.terms = terms;
    }

    /** @return queries without control: the [MASK] embedding everywhere */
    public static ControlQueries none() {
        return NONE;
    }

    /**
     * Adds a condition.
     *
     * @param offsets {@code [cells, dim]}
     * @param input its scale and window
     * @return a new instance with the extra term
     */
    public ControlQueries with(NDArray offsets, ConditionInput input) {
        List<Term> more = new ArrayList<>(terms);
        more.add(new Term(offsets, input));
        return new ControlQueries(List.copyOf(more));
    }

    /** @return true when no condition is present */
    public boolean isEmpty() {
        return terms.isEmpty();
    }

    /**
     * The summed offsets of the conditions active at a step, at the given targets.
     *
     * @param step 0-based step
     * @param steps number of steps
     * @param targets raster positions queried this step
     * @param m the step's manager
     * @return {@code [targets, dim]}, or null when no condition is active
     */
    public NDArray offsets(int step, int steps, int[] targets, NDManager m) {
        NDArray sum = null;
        NDArray index = null;
        for (Term t : terms) {
            if (!t.input().activeAt(step, steps) || t.input().conditioningScale() == 0) {
                continue;
            }
            if (index == null) {
                index = m.create(targets);
            }
            NDArray part = Autograd.scale(t.offsets().get(m, new NDIndex("{}", index)),
                    (float) t.input().conditioningScale());
            sum = sum == null ? part : sum.add(part);
        }
        return sum;
    }

    /**
     * Builds the starting query stream of a step.
     *
     * @param mask the [MASK] embedding, {@code [dim]}
     * @param step 0-based step
     * @param steps number of steps
     * @param targets raster positions queried this step
     * @param controlledRows rows (leading) that receive the offsets
     * @param plainRows rows (trailing) that get the [MASK] embedding only
     * @param m the step's manager
     * @return {@code [controlledRows + plainRows, targets, dim]}
     */
    public NDArray queries(NDArray mask, int step, int steps, int[] targets, int controlledRows, int plainRows,
            NDManager m) {
        int dim = (int) mask.getShape().get(0);
        int k = targets.length;
        NDArray base = mask.reshape(1, 1, dim);
        NDArray offsets = offsets(step, steps, targets, m);
        NDArray controlled = (offsets == null ? base.broadcast(1, k, dim) : base.add(offsets.expandDims(0)))
                .broadcast(new Shape(controlledRows, k, dim));
        if (plainRows == 0) {
            return controlled;
        }
        return controlled.concat(base.broadcast(plainRows, k, dim), 0);
    }
}
