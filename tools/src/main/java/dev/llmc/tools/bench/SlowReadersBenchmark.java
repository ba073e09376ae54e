package dev.llmc.tools.bench;

import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code llmc-tools bench slow-readers}: the gateway's memory while many callers read a fast node's long streamed
 * replies very slowly (each reads its first few kilobytes, then stops). Heap after a full GC (jcmd GC.run, then the
 * gateway's own jvm_memory_used_bytes) and the process's resident memory, before and while the readers stall, and how
 * much of the replies the node managed to write.
 */
final class SlowReadersBenchmark {
    private static final Pattern HEAP = Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"[^}]*}\\s+(\\S+)$");
    private static final Pattern STREAMED = Pattern.compile("\"streamed\"\\s*:\\s*(\\d+)");
    private static final Pattern STREAM_SIZE = Pattern.compile("\"stream_size\"\\s*:\\s*(\\d+)");
    private static final double MIB = 1024 * 1024;

    private SlowReadersBenchmark() {
    }

    @CommandLine.Command(name = "slow-readers", mixinStandardHelpOptions = true,
            description = "Gateway heap and RSS with many slow readers of a fast node's long streams (needs node and jcmd).")
    static final class Command implements Callable<Integer> {
        private final PrintStream out;
        private final PrintStream err;
        @Option(names = "--readers", defaultValue = "50", description = "slow readers (default ${DEFAULT-VALUE})")
        int readers;
        @Option(names = "--stream-mib", defaultValue = "16", description = "content of each streamed reply, MiB (default ${DEFAULT-VALUE})")
        int streamMib;
        @CommandLine.Mixin
        RigOptions rigOptions;

        Command(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public Integer call() throws Exception {
            try (BenchRig rig = new BenchRig(rigOptions.root, rigOptions.root.resolve("gateway/target/bench-slow-readers"), err)) {
                rig.start(List.of("node", "jcmd"), Map.of("BENCH_STREAM_BYTES", Long.toString((long) streamMib << 20)));
                BenchRig.Gateway gateway = rig.gateway("gateway", Map.of(), rigOptions.gatewayJavaOptions());
                run(rig, gateway);
            }
            return 0;
        }

        private void run(BenchRig rig, BenchRig.Gateway gateway) throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            URI gw = URI.create(gateway.url());
            String body = "{\"model\": \"bench\", \"stream\": true, " + BenchRig.QUESTION + "}";
            err.println("warming up: one whole stream ...");
            long whole = wholeStream(http, gw, gateway.key(), body);
            double heapBefore = heapAfterGc(http, gateway);
            double rssBefore = rss(gateway.process().pid());
            err.printf("opening %d slow readers ...%n", readers);
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < readers; i++) {
                    sockets.add(slowReader(gw, gateway.key(), body));
                }
                long stalled = awaitNodeStalled(http, rig);
                long streamSize = nodeStat(http, rig, STREAM_SIZE);
                double heapDuring = heapAfterGc(http, gateway);
                double rssDuring = rss(gateway.process().pid());
                long start = System.nanoTime();
                long normal = wholeStream(http, gw, gateway.key(), body);
                double seconds = (System.nanoTime() - start) / 1e9;
                out.printf(Locale.ROOT, "Slow readers: %d callers each read the first 4 KiB of a %d MiB streamed reply, then stop.%n",
                        readers, streamMib);
                out.println("| gateway                    | heap after GC (MiB) | RSS (MiB) |");
                out.println("|----------------------------|---------------------|-----------|");
                out.printf(Locale.ROOT, "| before the slow readers    | %19.1f | %9.1f |%n", heapBefore / MIB, rssBefore / MIB);
                out.printf(Locale.ROOT, "| with %3d slow readers      | %19.1f | %9.1f |%n", readers, heapDuring / MIB, rssDuring / MIB);
                out.printf(Locale.ROOT, "the node wrote %.1f MiB of server-sent events before it stalled; the %d whole replies are %.1f MiB%n",
                        stalled / MIB, readers + 1, (readers + 1) * streamSize / MIB);
                out.printf(Locale.ROOT, "a normal reader meanwhile: %.1f MiB in %.1f s (alone, before: %.1f MiB)%n",
                        normal / MIB, seconds, whole / MIB);
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }

        /** Bytes of one streamed reply read as fast as it comes. */
        private static long wholeStream(HttpClient http, URI gateway, String key, String body) throws IOException, InterruptedException {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(gateway.resolve(BenchRig.CHAT))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                return in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        }

        /** A caller with a small receive buffer that reads the first 4 KiB of its stream and then nothing. */
        private static Socket slowReader(URI gateway, String key, String body) throws IOException {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new java.net.InetSocketAddress(gateway.getHost(), gateway.getPort()));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String head = "POST " + BenchRig.CHAT + " HTTP/1.1\r\nHost: " + gateway.getHost() + ":" + gateway.getPort()
                    + "\r\nAuthorization: Bearer " + key + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            socket.getInputStream().readNBytes(4096);
            return socket;
        }

        /** Waits until the node has streamed nothing for two seconds (at most two minutes); the bytes it streamed. */
        private long awaitNodeStalled(HttpClient http, BenchRig rig) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            long last = -1;
            while (System.nanoTime() < deadline) {
                long now = nodeStat(http, rig, STREAMED);
                if (now == last) {
                    return now;
                }
                last = now;
                Thread.sleep(2000);
            }
            err.println("the node was still streaming after two minutes");
            return last;
        }

        /** A figure of the node's GET /stats. */
        private static long nodeStat(HttpClient http, BenchRig rig, Pattern stat) throws IOException, InterruptedException {
            Matcher found = stat.matcher(http.send(HttpRequest.newBuilder(URI.create(rig.nodeUrl + "/stats")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            return found.find() ? Long.parseLong(found.group(1)) : 0;
        }

        /** Heap in use right after a full GC of the gateway. */
        private static double heapAfterGc(HttpClient http, BenchRig.Gateway gateway) throws IOException, InterruptedException {
            Process gc = new ProcessBuilder("jcmd", Long.toString(gateway.process().pid()), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (gc.waitFor() != 0) {
                throw new IllegalStateException("jcmd GC.run failed");
            }
            String metrics = http.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            double heap = 0;
            Matcher used = HEAP.matcher(metrics);
            while (used.find()) {
                heap += Double.parseDouble(used.group(1));
            }
            return heap;
        }

        private static double rss(long pid) throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Double.parseDouble(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            return Double.NaN;
        }
    }
}
