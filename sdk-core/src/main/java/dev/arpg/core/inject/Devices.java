package dev.arpg.core.inject;

import ai.djl.Device;
import dev.arpg.api.InvalidRequestException;
import dev.arpg.api.ModelLoadException;
import dev.arpg.core.engine.Engines;
import java.util.Locale;

/** Parses device names and checks that the engine can use them. */
public final class Devices {
    private Devices() {
    }

    /**
     * Parses {@code cpu}, {@code gpu} (= {@code gpu:0}) or {@code gpu:N}.
     *
     * @param name the device name
     * @return the DJL device
     * @throws InvalidRequestException for another name
     * @throws ModelLoadException when a GPU is asked for but PyTorch sees none
     */
    public static Device parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("cpu")) {
            return Device.cpu();
        }
        if (!n.matches("gpu(:\\d+)?")) {
            throw new InvalidRequestException("unknown device '" + name + "' (use cpu, gpu or gpu:N)");
        }
        int index = n.contains(":") ? Integer.parseInt(n.substring(4)) : 0;
        int visible = Engines.engine().getGpuCount();
        if (index >= visible) {
            throw new ModelLoadException("device " + n + " asked for, but PyTorch sees " + visible + " GPU(s): put the"
                    + " CUDA natives (ai.djl.pytorch:pytorch-native-cu* with the linux-x86_64 classifier) on the class"
                    + " path instead of pytorch-native-cpu, see README 'Running on a GPU'");
        }
        return Device.gpu(index);
    }
}
