package dev.llmc.tools.data;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code llmc-tools data}: builds the routing matrices that {@code eval} reads (prompts.jsonl, labels.jsonl, and for
 * AlpacaEval responses.jsonl and models.json) from local clones of the public repositories they come from.
 */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Build routing matrices for eval from local clones of public benchmark repositories.")
public final class DataCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The data command with its subcommands, reporting to out. */
    public static CommandLine commandLine(PrintStream out) {
        return new CommandLine(new DataCommand())
                .addSubcommand("alpaca-eval", new AlpacaEval(out))
                .addSubcommand("routellm-mmlu", new RouteLlmMmlu(out));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "which source? alpaca-eval or routellm-mmlu");
    }

    @Command(name = "alpaca-eval", mixinStandardHelpOptions = true,
            description = {"From a clone of https://github.com/tatsu-lab/alpaca_eval: every model's judged answers to the "
                    + "same instructions (results/<model>/<annotator>/annotations.json); win_vs_ref = preference - 1.",
                    "Data licence: CC BY-NC 4.0 (AlpacaEval); each model's outputs fall under that model's terms."})
    static final class AlpacaEval implements Callable<Integer> {
        private final PrintStream out;
        @Option(names = "--clone", required = true, paramLabel = "DIR", description = "the repository clone")
        Path clone;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "where to write the matrix")
        Path target;
        @Option(names = "--annotator", defaultValue = AlpacaEvalConverter.DEFAULT_ANNOTATOR, paramLabel = "NAME",
                description = "annotation folder (default ${DEFAULT-VALUE})")
        String annotator;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        AlpacaEval(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws IOException {
            AlpacaEvalConverter.Summary summary = convert(spec, () -> AlpacaEvalConverter.convert(clone, annotator, target));
            out.printf("%s: %d prompts, %d models, %d labels (%d annotations without a preference skipped)%n",
                    target, summary.prompts(), summary.models(), summary.labels(), summary.skipped());
            return 0;
        }
    }

    @Command(name = "routellm-mmlu", mixinStandardHelpOptions = true,
            description = "From a clone of https://github.com/lm-sys/RouteLLM: whether each model answered each MMLU "
                    + "question correctly (routellm/evals/mmlu/responses/mmlu_<subject>.csv); score 1.0 or 0.0.")
    static final class RouteLlmMmlu implements Callable<Integer> {
        private final PrintStream out;
        @Option(names = "--clone", required = true, paramLabel = "DIR", description = "the repository clone")
        Path clone;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "where to write the matrix")
        Path target;
        @Option(names = "--rename", split = ",", paramLabel = "COLUMN=NAME",
                description = "name a model column differently, e.g. mixtral-8x7b-instruct-v0.1=mistralai/Mixtral-8x7B-Instruct-v0.1")
        Map<String, String> renames = new LinkedHashMap<>();
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        RouteLlmMmlu(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws IOException {
            RouteLlmMmluConverter.Summary summary = convert(spec, () -> RouteLlmMmluConverter.convert(clone, target, renames));
            out.printf("%s: %d subjects, %d prompts, models %s%n", target, summary.subjects(), summary.prompts(), summary.models());
            return 0;
        }
    }

    private interface Conversion<T> {
        T run() throws IOException;
    }

    /** A clone that is not what the command expects is a usage error (exit code 2), not a crash. */
    private static <T> T convert(CommandLine.Model.CommandSpec spec, Conversion<T> conversion) throws IOException {
        try {
            return conversion.run();
        } catch (IllegalArgumentException | com.google.gson.JsonParseException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
