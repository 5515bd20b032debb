package dev.arpg.samples.cli;

import dev.arpg.api.ArpgException;
import dev.arpg.samples.bench.BenchCommand;
import dev.arpg.samples.eval.EvalCommand;
import dev.arpg.samples.train.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code arpg} command line: one subcommand per job. */
@Command(name = "arpg", mixinStandardHelpOptions = true, version = "arpg 0.1.0",
        description = "Image generation with ARPG (randomized parallel decoding).",
        subcommands = {GenerateCommand.class, ControlCommand.class, InpaintCommand.class, OutpaintCommand.class,
            TrainCommand.class, EvalCommand.class, BenchCommand.class, InfoCommand.class, ConvertCommand.class})
public final class ArpgCli {

    /**
     * Runs the command line and exits with its status: 0 on success, 1 when the job failed, 2 for
     * bad arguments. Errors print one line; {@code --verbose} adds the stack trace. The engine runs
     * offline (libtorch comes from the class path) unless {@code -Dai.djl.offline=false} says otherwise.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        System.exit(run(args));
    }

    /**
     * Runs the command line without exiting.
     *
     * @param args the arguments
     * @return the exit status
     */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new ArpgCli());
        // Schedules are written in lower case in bundle.json and the docs; accept both spellings.
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            boolean verbose = parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--verbose");
            if (verbose || !(e instanceof ArpgException)) {
                e.printStackTrace(commandLine.getErr());
            } else {
                commandLine.getErr().println("arpg: " + e.getMessage());
            }
            return 1;
        });
        return cli.execute(args);
    }
}
