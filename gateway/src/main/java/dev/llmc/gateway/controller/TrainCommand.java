package dev.llmc.gateway.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.llmc.gateway.storage.DatabaseMigrations;
import dev.llmc.gateway.storage.EmbeddedPostgresServer;
import dev.llmc.model.training.ControllerArtifact;
import dev.llmc.model.training.ControllerManifest;
import dev.llmc.model.training.ControllerTrainer;
import dev.llmc.model.training.TrainingConfig;
import dev.llmc.model.training.TrainingExample;
import dev.llmc.model.training.TrainingExamples;
import dev.llmc.registry.Expert;
import dev.llmc.registry.JdbcExpertRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./llmc train}: trains a new controller version from logged traffic (or an example file), evaluates it on
 * the newest examples held out, and stores it inactive; activating it is a separate, deliberate step.
 */
public final class TrainCommand {
    private static final String USAGE = """
            Usage: ./llmc train [--since ISO-INSTANT] [--until ISO-INSTANT] [--examples FILE] [--epochs N] [--k N]

              Trains a controller version from the exposures and signals logged in PostgreSQL (LLMC_DATABASE_URL,
              or the development database of a running ./llmc up) and stores it, inactive. Activate it with
              POST /controller/versions/{id}/activate.

              --since, --until  time range of logged traffic (default: everything up to now)
              --examples FILE   train from a TrainingExamples file instead of the database's logged traffic
              --epochs N, --k N override the training defaults
            """;

    private TrainCommand() {
    }

    public static void main(String[] args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.print(USAGE);
            return;
        }
        try (HikariDataSource dataSource = dataSource()) {
            System.exit(run(options, dataSource));
        } catch (IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(Options options, javax.sql.DataSource dataSource) {
        // The training job may reach a database before any gateway has (or after an upgrade that added tables).
        DatabaseMigrations.migrate(dataSource);
        Map<String, float[]> contentTheta = new LinkedHashMap<>();
        for (Expert expert : new JdbcExpertRegistry(dataSource).findAll()) {
            contentTheta.put(expert.id(), expert.theta());
        }
        List<TrainingExample> examples = loadExamples(options, dataSource);
        if (examples.isEmpty()) {
            System.err.println("error: no logged exposures with an embedding in the chosen range; serve some traffic first");
            return 1;
        }
        for (TrainingExample example : examples) {
            if (!contentTheta.containsKey(example.expertId())) {
                System.err.println("error: examples mention expert " + example.expertId() + ", which is not in the registry");
                return 1;
            }
        }
        TrainingConfig config = options.config();
        String versionId = "ctl-" + Instant.now().toString().replaceAll("[^0-9]", "").substring(0, 14);
        System.err.printf(Locale.ROOT, "training %s on %d examples, %d experts, k=%d, %d epochs%n",
                versionId, examples.size(), contentTheta.size(), config.k(), config.epochs());
        ControllerArtifact artifact = new ControllerTrainer(config).train(versionId, examples, contentTheta, TrainCommand::progress);
        System.err.println();
        ControllerManifest manifest = artifact.manifest();
        new ControllerVersionStore(dataSource).insert(manifest.versionId(), manifest.createdAt(), manifestJson(manifest), artifact.toBytes());
        System.out.println("stored controller version " + manifest.versionId() + " (inactive)");
        manifest.metrics().forEach((name, value) -> System.out.printf(Locale.ROOT, "  %s = %.4f%n", name, value));
        System.out.println("activate: POST /controller/versions/" + manifest.versionId() + "/activate");
        return 0;
    }

    private static List<TrainingExample> loadExamples(Options options, javax.sql.DataSource dataSource) {
        if (options.examplesFile != null) {
            try {
                return TrainingExamples.read(options.examplesFile);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + options.examplesFile + ": " + e.getMessage());
            }
        }
        return LoggedTrafficExamples.load(dataSource, options.since, options.until);
    }

    private static void progress(int epoch, int epochs, long seen, long total, double perSecond, double loss, Duration eta) {
        System.err.printf(Locale.ROOT, "\repoch %d/%d  %,d/%,d examples  %,.0f examples/s  loss %.4f  ETA %ds   ",
                epoch, epochs, seen, total, perSecond, loss, eta.toSeconds());
    }

    static String manifestJson(ControllerManifest manifest) {
        try {
            return new ObjectMapper()
                    .registerModule(new JavaTimeModule())
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                    .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .writeValueAsString(manifest);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise the manifest", e);
        }
    }

    /** LLMC_DATABASE_URL, or the URL a running development system ({@code ./llmc up}) left in its state directory. */
    private static HikariDataSource dataSource() {
        String url = System.getenv("LLMC_DATABASE_URL");
        String user = System.getenv().getOrDefault("LLMC_DATABASE_USER", "postgres");
        if (url == null || url.isBlank()) {
            Path file = Path.of(System.getenv().getOrDefault("LLMC_STATE_DIR", ".llmc"), EmbeddedPostgresServer.URL_FILE);
            if (!Files.isReadable(file)) {
                throw new IllegalStateException("no database: set LLMC_DATABASE_URL, or start ./llmc up first (no " + file + ")");
            }
            try {
                url = Files.readString(file).trim();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file + ": " + e.getMessage());
            }
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(System.getenv("LLMC_DATABASE_PASSWORD"));
        config.setMaximumPoolSize(2);
        return new HikariDataSource(config);
    }

    /** Parsed command line. */
    static final class Options {
        Instant since = Instant.EPOCH;
        Instant until = Instant.now();
        Path examplesFile;
        Integer epochs;
        Integer k;
        boolean help;

        static Options parse(String[] args) {
            Options options = new Options();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "-h", "--help" -> options.help = true;
                    case "--since" -> options.since = instant(arg, value(args, ++i, arg));
                    case "--until" -> options.until = instant(arg, value(args, ++i, arg));
                    case "--examples" -> options.examplesFile = Path.of(value(args, ++i, arg));
                    case "--epochs" -> options.epochs = positive(arg, value(args, ++i, arg));
                    case "--k" -> options.k = positive(arg, value(args, ++i, arg));
                    default -> throw new IllegalArgumentException("unknown argument " + arg);
                }
            }
            if (!options.since.isBefore(options.until)) {
                throw new IllegalArgumentException("--since must be before --until");
            }
            return options;
        }

        TrainingConfig config() {
            TrainingConfig defaults = TrainingConfig.defaults();
            TrainingConfig config = epochs == null ? defaults : defaults.withEpochs(epochs);
            return k == null ? config : new TrainingConfig(k, config.alphaRetry(), config.alphaRating(), config.alphaLength(),
                    config.servingWeightRetry(), config.servingWeightRating(), config.servingWeightLength(),
                    config.contentRegularisation(), config.epochs(), config.batchSize(), config.learningRate(),
                    config.seed(), config.holdoutFraction());
        }

        private static String value(String[] args, int index, String flag) {
            if (index >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[index];
        }

        private static Instant instant(String flag, String value) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(flag + " must be an ISO instant such as 2026-11-01T00:00:00Z, was " + value);
            }
        }

        private static int positive(String flag, String value) {
            try {
                int parsed = Integer.parseInt(value);
                if (parsed < 1) {
                    throw new NumberFormatException();
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " must be a positive integer, was " + value);
            }
        }
    }
}
