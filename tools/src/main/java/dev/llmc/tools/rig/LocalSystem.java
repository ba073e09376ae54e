package dev.llmc.tools.rig;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real system started from the built jars as child processes (what the benchmarks and {@code llmc simulate} run
 * on): gateways on embedded PostgreSQL and Redis ({@code java -cp gateway.jar:dev-lib/*}) and gpu-nodes, each on a free
 * port with its log in its own directory; {@link #close()} stops them all (gateways stop their embedded servers on
 * SIGTERM).
 */
public final class LocalSystem implements AutoCloseable {
    /** As ./llmc starts them: without it Lucene's vector scoring in the gateway runs scalar. */
    private static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";

    private final Path root;
    private final PrintStream err;
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final SecureRandom random = new SecureRandom();

    /** A running gateway: its base URL, bootstrap admin key, process and data directory. */
    public record Gateway(String name, String url, String adminKey, Process process, Path dataDir) {
    }

    /** A running gpu-node: its base URL and process. */
    public record Node(String url, Process process) {
    }

    /** root: the repository (the jars are under {@code gateway/target} and {@code gpu-node/target}). */
    public LocalSystem(Path root, PrintStream err) {
        this.root = root;
        this.err = err;
    }

    /** Starts a gateway with embedded PostgreSQL and Redis in data (created), plus the extra environment. */
    public Gateway gateway(String name, Path data, Map<String, String> extraEnvironment, List<String> javaOptions)
            throws IOException, InterruptedException {
        int port = freePort();
        String url = "http://127.0.0.1:" + port;
        String admin = "llmc-local-" + HexFormat.of().formatHex(bytes(16));
        Files.createDirectories(data);
        err.printf("starting gateway '%s' on :%d (embedded PostgreSQL/Redis and gateway.log in %s) ...%n", name, port, data);
        List<String> command = new ArrayList<>(List.of("java", VECTOR_MODULE, "-Dai.djl.offline=true"));
        command.addAll(javaOptions);
        // The embedded PostgreSQL and Redis are not in the gateway's own classpath (production images do not carry them).
        Path jar = jar("gateway");
        command.addAll(List.of("-cp", jar + File.pathSeparator + jar.resolveSibling("dev-lib").resolve("*"),
                "dev.llmc.gateway.GatewayApplication"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(data.resolve("gateway.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("LLMC_PORT", Integer.toString(port));
        env.put("LLMC_EMBEDDED_ENABLED", "true");
        env.put("LLMC_EMBEDDED_DATA_DIR", data.toString());
        env.put("LLMC_ADMIN_KEY", admin);
        env.put("LLMC_SECRETS_KEY", Base64.getEncoder().encodeToString(bytes(32)));
        env.put("LLMC_NODES_ALLOW_LOOPBACK", "true");
        env.putAll(extraEnvironment);
        Process process = start(builder);
        awaitHealthy("gateway " + name, url, process, data.resolve("gateway.log"));
        return new Gateway(name, url, admin, process, data);
    }

    /** Starts a gpu-node with the extra environment (e.g. {@code LLMC_REPLAY_DATA_DIR}), its log in logFile. */
    public Node gpuNode(Path logFile, Map<String, String> extraEnvironment, List<String> javaOptions)
            throws IOException, InterruptedException {
        int port = freePort();
        String url = "http://127.0.0.1:" + port;
        err.printf("starting gpu-node on :%d (log %s) ...%n", port, logFile);
        List<String> command = new ArrayList<>(List.of("java", VECTOR_MODULE, "-Dai.djl.offline=true"));
        command.addAll(javaOptions);
        command.addAll(List.of("-jar", jar("gpu-node").toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile());
        builder.environment().put("LLMC_NODE_PORT", Integer.toString(port));
        builder.environment().putAll(extraEnvironment);
        Process process = start(builder);
        awaitHealthy("gpu-node", url, process, logFile);
        return new Node(url, process);
    }

    /** Starts a helper process that {@link #close()} stops with the rest. */
    public Process start(ProcessBuilder builder) throws IOException {
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private Path jar(String module) throws IOException {
        try (var jars = Files.list(root.resolve(module).resolve("target"))) {
            return jars.filter(p -> p.getFileName().toString().matches(module + "-.*\\.jar")
                            && !p.getFileName().toString().matches(".*-(sources|tests)\\.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no " + module + " jar: ./llmc build first"));
        }
    }

    private void awaitHealthy(String name, String url, Process process, Path log) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (true) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url + "/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!process.isAlive()) {
                List<String> lines = Files.readAllLines(log);
                throw new IllegalStateException(name + " exited during start-up; last lines of " + log + ":\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not become healthy within 180 s; see " + log);
            }
            Thread.sleep(500);
        }
    }

    /** A free local port (closed again, so the process started next can take it). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Deletes a directory tree (nothing when it does not exist). */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private byte[] bytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Stops every process started here, newest first. */
    @Override
    public void close() {
        for (Process process : processes.reversed()) {
            process.destroy();
        }
        for (Process process : processes) {
            try {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
