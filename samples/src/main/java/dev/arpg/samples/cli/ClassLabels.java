package dev.arpg.samples.cli;

import dev.arpg.api.InvalidRequestException;
import java.util.List;
import java.util.Locale;

/** Turns the {@code --class} values (numbers, or the model's class names) into class labels. */
final class ClassLabels {
    private ClassLabels() {
    }

    /**
     * Resolves each value: a number is a label as it is (its range is the model's to check), anything
     * else must be one of the model's class names (case-insensitive).
     *
     * @param values the values as given
     * @param names the model's class names, by label (may be empty)
     * @return the labels, in the order given
     * @throws InvalidRequestException for a name the model does not have
     */
    static int[] resolve(List<String> values, List<String> names) {
        List<String> lowerCaseNames = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        int[] labels = new int[values.size()];
        for (int i = 0; i < labels.length; i++) {
            String value = values.get(i).trim();
            if (value.matches("-?\\d+")) {
                labels[i] = Integer.parseInt(value);
                continue;
            }
            int label = lowerCaseNames.indexOf(value.toLowerCase(Locale.ROOT));
            if (label < 0) {
                throw new InvalidRequestException("unknown class '" + value + "': "
                        + (names.isEmpty() ? "this model has no class names, give a number"
                                : "this model's classes are " + String.join(", ", names) + " (or their numbers)"));
            }
            labels[i] = label;
        }
        return labels;
    }
}
