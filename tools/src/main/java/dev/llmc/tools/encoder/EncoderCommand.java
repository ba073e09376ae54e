package dev.llmc.tools.encoder;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code llmc-tools encoder}: builds the static encoder's token table from all-MiniLM-L6-v2. */
@Command(name = "encoder", mixinStandardHelpOptions = true, description = "Build encoder artifacts; see distill --help.")
public final class EncoderCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** cacheRoot: eval's embedding cache, which also keeps the teacher's corpus embeddings. */
    public static CommandLine commandLine(PrintStream out, PrintStream err, Path cacheRoot) {
        return new CommandLine(new EncoderCommand()).addSubcommand("distill", new Distill(out, err, cacheRoot));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "which? distill");
    }

    @Command(name = "distill", mixinStandardHelpOptions = true,
            description = "Distils all-MiniLM-L6-v2 into one vector per vocabulary token (the static encoder):"
                    + " every token embedded alone, then fitted by ridge regression so that texts' mean token vectors"
                    + " match MiniLM's embeddings of corpus paragraphs; writes the int8 table and prints its SHA-256.")
    static final class Distill implements Callable<Integer> {
        private final PrintStream out;
        private final PrintStream err;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--corpus", required = true, split = ",", paramLabel = "FILE",
                description = "JSON-lines files whose --field texts are split into paragraphs (never evaluation prompts)")
        List<Path> corpus;
        @Option(names = "--field", defaultValue = "response", description = "text field of each line (default ${DEFAULT-VALUE})")
        String field;
        @Option(names = "--paragraphs", defaultValue = "20000", description = "paragraphs sampled (default ${DEFAULT-VALUE}); 10% are held out")
        int paragraphs;
        @Option(names = "--wordnet", paramLabel = "DIR",
                description = "also fit on definitions from this WordNet 3.0 database (data.noun, …; Debian's wordnet-base:"
                        + " /usr/share/wordnet)")
        Path wordNet;
        @Option(names = "--glosses", defaultValue = "10000", description = "WordNet definitions sampled with --wordnet (default ${DEFAULT-VALUE})")
        int glosses;
        @Option(names = "--lambda", defaultValue = "0.001,0.01,0.1", split = ",",
                description = "ridge strengths tried; the best on the held-out paragraphs is kept (default ${DEFAULT-VALUE})")
        double[] lambdas;
        @Option(names = "--iterations", defaultValue = "60", description = "conjugate-gradient iterations (default ${DEFAULT-VALUE})")
        int iterations;
        @Option(names = "--seed", defaultValue = "1", description = "paragraph sample (default ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "table to write (.bin.gz)")
        Path target;

        private final Path cacheRoot;

        Distill(PrintStream out, PrintStream err, Path cacheRoot) {
            this.out = out;
            this.err = err;
            this.cacheRoot = cacheRoot;
        }

        @Override
        public Integer call() throws Exception {
            if (paragraphs < 100 || glosses < 0 || iterations < 0 || Arrays.stream(lambdas).anyMatch(l -> !(l > 0))) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--paragraphs ≥ 100, --glosses ≥ 0, --iterations ≥ 0, --lambda values > 0");
            }
            if (wordNet != null && !Files.isRegularFile(wordNet.resolve("data.noun"))) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--wordnet " + wordNet + " holds no data.noun (apt-get install wordnet-base: /usr/share/wordnet)");
            }
            Distillation.Result result = new Distillation(err, cacheRoot).run(corpus, field, paragraphs, wordNet, glosses,
                    seed, lambdas, iterations, target);
            out.println(result.summary());
            return 0;
        }
    }
}
