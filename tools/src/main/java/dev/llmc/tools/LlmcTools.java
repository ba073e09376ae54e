package dev.llmc.tools;

import dev.llmc.tools.bench.BenchCommand;
import dev.llmc.tools.data.DataCommand;
import dev.llmc.tools.encoder.EncoderCommand;
import dev.llmc.tools.eval.EmbeddingCache;
import dev.llmc.tools.eval.EvalCommand;
import dev.llmc.tools.simulate.SimulateCommand;
import dev.llmc.tools.train.TrainCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * {@code llmc-tools}: the project's command-line tools in one entry point (./llmc train, eval and bench call it).
 * Results go to stdout, progress and logs to stderr; exit code 0 done, 1 failed, 2 bad arguments.
 */
@Command(name = "llmc-tools", mixinStandardHelpOptions = true, version = "llmc-tools 0.1.0",
        description = "LLM Controller tools: train a controller version, evaluate offline, build evaluation data, simulate the learning loop, run benchmarks.",
        subcommands = CommandLine.HelpCommand.class)
public final class LlmcTools implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        System.exit(execute(System.out, System.err, EmbeddingCache.defaultRoot(), args));
    }

    /** Runs {@code llmc-tools args}; returns the exit code. */
    public static int execute(PrintStream out, PrintStream err, Path cacheRoot, String... args) {
        return commandLine(out, err, cacheRoot).execute(args);
    }

    /** The command tree writing to out and err; eval caches embeddings under cacheRoot. */
    public static CommandLine commandLine(PrintStream out, PrintStream err, Path cacheRoot) {
        CommandLine commandLine = new CommandLine(new LlmcTools())
                .addSubcommand("train", new TrainCommand(out, err))
                .addSubcommand("eval", new EvalCommand(out, err, cacheRoot))
                .addSubcommand("bench", BenchCommand.commandLine(out, err))
                .addSubcommand("data", DataCommand.commandLine(out))
                .addSubcommand("simulate", new SimulateCommand(out, err, cacheRoot))
                .addSubcommand("encoder", EncoderCommand.commandLine(out, err, cacheRoot));
        commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        commandLine.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof CommandLine.ParameterException usage) {
                // Arguments a command found unusable once parsed (e.g. --split 1.5): the message and usage, exit code 2.
                return command.getParameterExceptionHandler().handleParseException(usage, new String[0]);
            }
            if (e instanceof IllegalStateException || e instanceof java.io.UncheckedIOException) {
                command.getErr().println("error: " + e.getMessage());
                return CommandLine.ExitCode.SOFTWARE;
            }
            throw e;
        });
        return commandLine;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }
}
