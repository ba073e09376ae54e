package dev.llmc.tools.train;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.llmc.gateway.versions.ControllerVersionStore;
import dev.llmc.gateway.versions.LoggedTrafficExamples;
import dev.llmc.gateway.storage.DatabaseMigrations;
import dev.llmc.gateway.storage.EmbeddedPostgresServer;
import dev.llmc.model.encoder.EncoderModel;
import dev.llmc.model.training.ControllerArtifact;
import dev.llmc.model.training.ControllerManifest;
import dev.llmc.model.training.DataSufficiency;
import dev.llmc.model.training.TrainingConfig;
import dev.llmc.model.training.TrainingExample;
import dev.llmc.model.training.TrainingExamples;
import dev.llmc.model.training.TrainingFallback;
import dev.llmc.registry.Expert;
import dev.llmc.registry.JdbcExpertRegistry;
import dev.llmc.tools.ProgressBar;
import dev.llmc.training.ControllerTrainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;

/**
 * {@code llmc-tools train} ({@code ./llmc train}, the training CronJob): trains a new controller version from logged
 * traffic (or an example file), evaluates it on the newest examples held out, and stores it inactive (or, when it did
 * not beat each expert's mean there, the expert-means controller: {@code --fallback}); activating it is a separate,
 * deliberate step.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trains a controller version from the exposures and signals logged in PostgreSQL "
                + "(LLMC_DATABASE_URL, or the development database of a running ./llmc up) and stores it, inactive. "
                + "Activate it with POST /controller/versions/{id}/activate."})
public final class TrainCommand implements Callable<Integer> {
    private final PrintStream out;
    private final PrintStream err;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--since", paramLabel = "ISO-INSTANT", description = "start of the logged traffic's time range (default: everything)")
    Instant since = Instant.EPOCH;
    @Option(names = "--until", paramLabel = "ISO-INSTANT", description = "end of the time range (default: now)")
    Instant until = Instant.now();
    @Option(names = "--examples", paramLabel = "FILE", description = "train from a TrainingExamples file instead of the database's logged traffic")
    Path examplesFile;
    @Option(names = "--epochs", paramLabel = "N", description = "training epochs (default 3)")
    Integer epochs;
    @Option(names = "--k", paramLabel = "N", description = "dimension of x_C (default 32)")
    Integer k;
    @Option(names = "--fallback", paramLabel = "expert-means|none", defaultValue = "expert-means",
            description = "what to store when the trained model does not beat predicting each expert's mean on the"
                    + " held-out examples (one-sided, z > 1.645): expert-means (default) stores a controller that ranks"
                    + " the experts by their shrunk mean signals for every conversation; none stores the trained model anyway")
    String fallback;
    @CommandLine.Mixin
    Database database;

    @Option(names = "--encoder", paramLabel = "MODEL", defaultValue = EncoderModel.DEFAULT_NAME,
            description = "the gateway's llmc.encoder.model (static or minilm, default ${DEFAULT-VALUE}): only exposures it embedded are"
                    + " trained on (the others are counted and skipped), and the version is"
                    + " served only by gateways encoding with it")
    String encoder;

    /** The connection pool's settings, from options or else the environment, in one place. */
    public static final class Database {
        @Option(names = "--database-url", paramLabel = "JDBC-URL", defaultValue = "${env:LLMC_DATABASE_URL}",
                description = "PostgreSQL (env LLMC_DATABASE_URL; default: the URL a running ./llmc up left in $LLMC_STATE_DIR)")
        String url;
        @Option(names = "--database-user", paramLabel = "USER", defaultValue = "${env:LLMC_DATABASE_USER:-postgres}",
                description = "env LLMC_DATABASE_USER (default postgres)")
        String user;
        @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "${env:LLMC_STATE_DIR:-.llmc}",
                description = "where ./llmc up keeps its state (env LLMC_STATE_DIR, default .llmc)")
        Path stateDir;
        @Option(names = "--database-pool-size", paramLabel = "N", defaultValue = "2", description = "connections (default ${DEFAULT-VALUE})")
        int poolSize;

        HikariDataSource open() {
            String jdbcUrl = url;
            if (jdbcUrl == null || jdbcUrl.isBlank()) {
                Path file = stateDir.resolve(EmbeddedPostgresServer.URL_FILE);
                if (!Files.isReadable(file)) {
                    throw new IllegalStateException("no database: set LLMC_DATABASE_URL, or start ./llmc up first (no " + file + ")");
                }
                try {
                    jdbcUrl = Files.readString(file).trim();
                } catch (IOException e) {
                    throw new IllegalStateException("cannot read " + file + ": " + e.getMessage());
                }
            }
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(jdbcUrl);
            config.setUsername(user);
            // The password only from the environment (a Secret in the CronJob), never on a command line.
            config.setPassword(System.getenv("LLMC_DATABASE_PASSWORD"));
            config.setMaximumPoolSize(poolSize);
            return new HikariDataSource(config);
        }
    }

    public TrainCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        validate();
        try (HikariDataSource dataSource = database.open()) {
            return run(dataSource);
        } catch (IllegalStateException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    void validate() {
        if (!since.isBefore(until)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "error: --since must be before --until");
        }
        try {
            EncoderModel.named(encoder);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "error: --encoder: " + e.getMessage());
        }
        try {
            TrainingFallback.named(fallback);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "error: --fallback: " + e.getMessage());
        }
        for (Integer value : new Integer[] {epochs, k}) {
            if (value != null && value < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "error: --epochs and --k must be positive integers");
            }
        }
    }

    /** Trains and stores a version on the given database; returns the exit code. */
    int run(DataSource dataSource) {
        // The training job may reach a database before any gateway has (or after an upgrade that added tables).
        DatabaseMigrations.migrate(dataSource);
        String encoderId = EncoderModel.named(encoder).id();
        JdbcExpertRegistry registry = new JdbcExpertRegistry(dataSource, encoderId);
        if (!registry.findEmbeddedByAnotherEncoder().isEmpty()) {
            err.println("error: some experts' θ come from another encoder than " + encoderId + "; start a gateway with"
                    + " llmc.encoder.model=" + encoder + " first (it re-embeds their descriptions), or pass --encoder");
            return 1;
        }
        Map<String, float[]> contentTheta = new LinkedHashMap<>();
        for (Expert expert : registry.findAll()) {
            contentTheta.put(expert.id(), expert.theta());
        }
        LoggedTrafficExamples.Loaded loaded = loadExamples(dataSource, encoderId);
        List<TrainingExample> examples = loaded.examples();
        if (loaded.skipped() > 0) {
            err.printf(Locale.ROOT, "skipped %d logged exposures embedded by another encoder than %s (%s)%n",
                    loaded.skipped(), encoderId, describe(loaded.otherEncoders()));
        }
        if (examples.isEmpty()) {
            err.println(loaded.skipped() == 0
                    ? "error: no logged exposures with an embedding in the chosen range; serve some traffic first"
                    : "error: no logged exposures embedded by " + encoderId + " in the chosen range; serve traffic with"
                            + " llmc.encoder.model=" + encoder + " first, or pass the --encoder that logged them");
            return 1;
        }
        for (TrainingExample example : examples) {
            if (!contentTheta.containsKey(example.expertId())) {
                err.println("error: examples mention expert " + example.expertId() + ", which is not in the registry");
                return 1;
            }
        }
        TrainingConfig config = config();
        String versionId = "ctl-" + Instant.now().toString().replaceAll("[^0-9]", "").substring(0, 14);
        err.printf(Locale.ROOT, "training %s on %d examples, %d experts, k=%d, %d epochs%n",
                versionId, examples.size(), contentTheta.size(), config.k(), config.epochs());
        ProgressBar bar = new ProgressBar(err, "train");
        ControllerTrainer trainer = new ControllerTrainer(config, TrainingFallback.named(fallback));
        ControllerArtifact artifact = trainer.train(versionId, examples, contentTheta, encoderId,
                (epoch, epochs, seen, total, perSecond, loss, eta) -> bar.update(seen, total, String.format(Locale.ROOT,
                        "epoch %d/%d  %,d/%,d examples  %,.0f examples/s  loss %.4f  ETA %ds",
                        epoch, epochs, seen, total, perSecond, loss, eta.toSeconds())));
        bar.finish();
        ControllerManifest manifest = artifact.manifest();
        new ControllerVersionStore(dataSource).insert(artifact);
        boolean expertMeans = TrainingFallback.storedExpertMeans(manifest.metrics());
        out.println("stored controller version " + manifest.versionId() + " (inactive)");
        out.println("  stored = " + (expertMeans ? "expert-means" : "trained"));
        out.println("  encoder = " + encoderId);
        out.println("  skipped_other_encoder = " + loaded.skipped());
        manifest.metrics().forEach((name, value) -> out.printf(Locale.ROOT, "  %s = %.4f%n", name, value));
        DataSufficiency check = DataSufficiency.fromMetrics(manifest.metrics(), manifest.holdoutExamples()).orElseThrow();
        for (String warning : check.warnings()) {
            out.println("WARNING: " + warning);
        }
        String compare = "check GET /controller/versions/" + manifest.versionId()
                + "/offline-estimate and test it in an A/B experiment first";
        if (expertMeans) {
            Double meansLoss = manifest.metrics().get("holdout_baseline_loss");
            Double trainedLoss = manifest.metrics().get("holdout_loss");
            out.printf(Locale.ROOT, "stored the expert-means controller instead of the trained model (%s): it ranks the"
                            + " experts by their shrunk mean signals for every conversation; %s (--fallback none stores the"
                            + " trained model)%n",
                    meansLoss == null || trainedLoss == null ? "no held-out examples to check the trained model on"
                            : String.format(Locale.ROOT, "held-out loss %.4f against the trained model's %.4f", meansLoss, trainedLoss),
                    compare);
        } else {
            out.println(check.sufficient()
                    ? "activate: POST /controller/versions/" + manifest.versionId() + "/activate"
                    : "not recommended for activation: the data does not carry this model; " + compare);
        }
        return 0;
    }

    /** An examples file is taken as it is: it holds no encoder ids, so whoever wrote it chose the encoder. */
    private LoggedTrafficExamples.Loaded loadExamples(DataSource dataSource, String encoderId) {
        if (examplesFile != null) {
            try {
                return new LoggedTrafficExamples.Loaded(TrainingExamples.read(examplesFile), Map.of());
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + examplesFile + ": " + e.getMessage());
            }
        }
        return LoggedTrafficExamples.load(dataSource, since, until, encoderId);
    }

    private static String describe(Map<String, Long> byEncoder) {
        StringJoiner parts = new StringJoiner(", ");
        byEncoder.forEach((encoder, count) -> parts.add(encoder + ": " + count));
        return parts.toString();
    }

    TrainingConfig config() {
        TrainingConfig defaults = TrainingConfig.defaults();
        TrainingConfig config = epochs == null ? defaults : defaults.withEpochs(epochs);
        return k == null ? config : new TrainingConfig(k, config.alphaRetry(), config.alphaRating(), config.alphaLength(),
                config.servingWeightRetry(), config.servingWeightRating(), config.servingWeightLength(),
                config.contentRegularisation(), config.epochs(), config.batchSize(), config.learningRate(),
                config.seed(), config.holdoutFraction());
    }
}
