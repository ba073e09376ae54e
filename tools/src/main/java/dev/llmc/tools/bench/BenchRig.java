package dev.llmc.tools.bench;

import dev.llmc.tools.rig.LocalSystem;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the gateway benchmarks run on: an instant fake expert node (bench/fake-expert-node.js), gateways on embedded
 * PostgreSQL and Redis started from the built jar, and the load generators wrk (closed loop) and hey (paced), all as
 * child processes that {@link #close()} stops.
 */
final class BenchRig implements AutoCloseable {
    static final String CHAT = "/v1/chat/completions";
    static final String QUESTION = "\"messages\": [{\"role\": \"user\", \"content\": \"How long should I knead bread dough before the first rise?\"}]";
    private static final Pattern KEY = Pattern.compile("\"key\"\\s*:\\s*\"([^\"]*)\"");

    private final Path root;
    private final Path dir;
    private final LocalSystem system;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String nodeUrl;

    /** A gateway under test: key is an app key, adminKey the admin's. */
    record Gateway(String name, String url, String key, String adminKey, Process process, Path dataDir) {
    }

    BenchRig(Path root, Path dir, PrintStream err) {
        this.root = root;
        this.dir = dir;
        this.system = new LocalSystem(root, err);
    }

    /** Checks the external tools and starts the fake node in a fresh directory. */
    void start() throws IOException, InterruptedException {
        start(List.of("wrk", "hey", "node"), Map.of());
    }

    /** Checks that {@code tools} are on the PATH and starts the fake node, with extra environment, in a fresh directory. */
    void start(List<String> tools, Map<String, String> nodeEnvironment) throws IOException, InterruptedException {
        for (String tool : tools) {
            if (!onPath(tool)) {
                throw new IllegalStateException("bench needs " + tool + " on the PATH (wrk and hey are Debian packages)");
            }
        }
        LocalSystem.deleteRecursively(dir);
        Files.createDirectories(dir);
        Path log = dir.resolve("fake-node.log");
        ProcessBuilder node = new ProcessBuilder("node", root.resolve("bench/fake-expert-node.js").toString(), "0")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        node.environment().putAll(nodeEnvironment);
        system.start(node);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (nodeUrl == null) {
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("PORT=")) {
                    nodeUrl = "http://127.0.0.1:" + line.substring(5).strip();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the fake node did not print its port; see " + log);
            }
            Thread.sleep(100);
        }
    }

    /** Starts a gateway with the extra environment, registers the expert "bench" on the fake node and an app key. */
    Gateway gateway(String name, Map<String, String> extraEnvironment, List<String> javaOptions)
            throws IOException, InterruptedException {
        LocalSystem.Gateway started = system.gateway(name, dir.resolve(name), extraEnvironment, javaOptions);
        String url = started.url();
        String admin = started.adminKey();
        post(url + "/experts", admin, "{\"name\": \"bench\", \"description\": \"Answers every question instantly.\", "
                + "\"nodes\": [{\"base_url\": \"" + nodeUrl + "/v1\"}]}", 201);
        Matcher key = KEY.matcher(post(url + "/keys", admin, "{\"role\": \"app\", \"owner\": \"bench\"}", 201));
        if (!key.find()) {
            throw new IllegalStateException("could not create an API key");
        }
        return new Gateway(name, url, key.group(1), admin, started.process(), started.dataDir());
    }

    /** wrk -t1 with the given connections for the given seconds, against url with body (and key). */
    BenchStatistics.Saturated saturate(String url, String body, int seconds, int connections, String key)
            throws IOException, InterruptedException {
        return wrk(url, Map.of("BENCH_BODY", body), seconds, connections, key);
    }

    /** wrk -t1 like {@link #saturate}, but every request a prompt of its own for model (bench/chat.lua). */
    BenchStatistics.Saturated saturateDistinct(String url, String model, int seconds, int connections, String key)
            throws IOException, InterruptedException {
        return wrk(url, Map.of("BENCH_MODEL", model), seconds, connections, key);
    }

    private BenchStatistics.Saturated wrk(String url, Map<String, String> request, int seconds, int connections, String key)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("wrk", "-t", "1", "-c", Integer.toString(connections), "-d", seconds + "s",
                "-s", root.resolve("bench/chat.lua").toString(), url);
        builder.environment().putAll(request);
        builder.environment().put("BENCH_KEY", key == null ? "" : key);
        return BenchStatistics.Saturated.parse(run(builder), seconds);
    }

    /** The value of an untagged gauge or counter the gateway at url publishes on /prometheus (NaN if absent). */
    double metric(String url, String name) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        for (String line : response.body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }

    /** hey for the given seconds with workers each at perWorker requests/s; the raw rows are kept in csv. */
    BenchStatistics.Paced paced(String url, String body, int seconds, int workers, int perWorker, String key, Path csv)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("hey", "-z", seconds + "s", "-c", Integer.toString(workers),
                "-q", Integer.toString(perWorker), "-m", "POST", "-T", "application/json"));
        if (key != null) {
            command.addAll(List.of("-H", "Authorization: Bearer " + key));
        }
        command.addAll(List.of("-d", body, "-o", "csv", url));
        Files.createDirectories(csv.getParent());
        Files.writeString(csv, run(new ProcessBuilder(command)));
        return BenchStatistics.Paced.of(BenchStatistics.readHeyCsv(csv), seconds);
    }

    /** The cumulative buckets of a histogram the gateway at url publishes on /prometheus. */
    TreeMap<Double, Double> buckets(String url, String metric) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        return BenchStatistics.buckets(response.body(), metric);
    }

    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "n/a";
        }
    }



    private String post(String url, String key, String body, int expected) throws IOException, InterruptedException {
        return send("POST", url, key, body, expected);
    }

    /** One request with a JSON body (null: none); the response body, or an exception unless the status is expected. */
    String send(String method, String url, String key, String body, int expected) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static String run(ProcessBuilder builder) throws IOException, InterruptedException {
        Process process = builder.redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            throw new IllegalStateException(builder.command().getFirst() + " failed with status " + process.exitValue());
        }
        return output;
    }


    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Stops every process this rig started (gateways stop their embedded PostgreSQL and Redis on SIGTERM). */
    @Override
    public void close() {
        system.close();
    }
}
