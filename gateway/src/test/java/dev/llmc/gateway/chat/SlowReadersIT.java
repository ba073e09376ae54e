package dev.llmc.gateway.chat;

import dev.llmc.gateway.testing.EmbeddedGatewayTest;
import dev.llmc.gateway.testing.FakeExpertNode;
import dev.llmc.gateway.testing.GatewayHttp.Reply;
import dev.llmc.gateway.testing.ServerSentEvents;
import dev.llmc.gateway.testing.ServerSentEvents.Event;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault: a node that streams fast (many MB a reply) to 50 callers who read a few kilobytes and then stop reading.
 * The gateway must hold the node back (read at most {@code llmc.upstream.stream-buffer} ahead of each caller), not
 * buffer the replies: its heap stays flat, the node is held back, and a caller who reads at normal speed meanwhile gets
 * the whole reply intact.
 */
@MicronautTest
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SlowReadersIT extends EmbeddedGatewayTest {
    private static final int READERS = 50;
    private static final long STREAM_BYTES = 32L << 20;
    private static final long STREAM_BUFFER = 1L << 20;
    private final FakeExpertNode node = fakeNode("flood").flood(STREAM_BYTES);

    @BeforeAll
    void registerExpert() {
        http().registerExpert("flood", "Writes very long answers very fast.", node.baseUrl());
    }

    @Test
    void fiftySlowReadersHoldTheNodeBackInsteadOfFillingTheHeap() throws Exception {
        long before = usedHeapAfterGc();
        List<Socket> readers = new ArrayList<>();
        try {
            for (int i = 0; i < READERS; i++) {
                readers.add(slowReader());
            }
            long stalled = awaitNodeStalled();
            long during = usedHeapAfterGc();
            System.out.printf("heap after GC: %d MiB before, %d MiB with %d slow readers (node wrote %d MiB of %d MiB)%n",
                    before >> 20, during >> 20, READERS, stalled >> 20, (READERS * STREAM_BYTES) >> 20);

            assertTrue(during - before < READERS * 2 * STREAM_BUFFER, "heap grew by " + ((during - before) >> 20)
                    + " MiB with " + READERS + " slow readers of " + (STREAM_BYTES >> 20) + " MiB replies");
            // What the node wrote and the gateway did not take sits in the sockets' kernel buffers (several MiB each).
            assertTrue(stalled < READERS * STREAM_BYTES / 2, "the node was held back, but wrote " + (stalled >> 20) + " MiB");
            assertEquals(0, node.abortedStreams(), "no stream was cut while its reader was only slow");

            assertWholeStreamArrives();
        } finally {
            for (Socket reader : readers) {
                reader.close();
            }
        }
    }

    /** A normal reader, meanwhile: every chunk, in order, then [DONE]. */
    private void assertWholeStreamArrives() {
        Reply reply = http().post("/v1/chat/completions", request());
        assertEquals(200, reply.status());
        List<Event> events = ServerSentEvents.parse(reply.body());
        assertEquals("[DONE]", events.getLast().data());
        int next = 0;
        for (Event event : events.subList(0, events.size() - 1)) {
            String content = FakeExpertNode.json(event.data()).at("/choices/0/delta/content").asText("");
            if (!content.isEmpty()) {
                assertEquals(FakeExpertNode.floodChunk(next), content, "chunk " + next);
                next++;
            }
        }
        assertEquals(STREAM_BYTES / FakeExpertNode.FLOOD_CHUNK + (STREAM_BYTES % FakeExpertNode.FLOOD_CHUNK == 0 ? 0 : 1), next);
    }

    /** A caller with a small receive buffer that asks for a streamed reply, reads its first few kilobytes and stops. */
    private Socket slowReader() throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(server.getHost(), server.getPort()));
        byte[] body = request().getBytes(StandardCharsets.UTF_8);
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: " + server.getHost() + ":" + server.getPort()
                + "\r\nAuthorization: Bearer " + ADMIN_KEY + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().write(body);
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        int read = 0;
        while (read < buffer.length) {
            int n = in.read(buffer, read, buffer.length - read);
            if (n < 0) {
                throw new IOException("the gateway closed a slow reader's stream after " + read + " bytes");
            }
            read += n;
        }
        assertTrue(new String(buffer, StandardCharsets.UTF_8).startsWith("HTTP/1.1 200"), "the stream started");
        return socket;
    }

    private static String request() {
        return """
                {"model": "flood", "stream": true, "messages": [{"role": "user", "content": "Tell me everything."}]}""";
    }

    /** Waits until the node has written nothing for two seconds (every stream held back or finished); its bytes. */
    private long awaitNodeStalled() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long last = -1;
        while (System.nanoTime() < deadline) {
            long now = node.streamedBytes();
            if (now == last) {
                return now;
            }
            last = now;
            Thread.sleep(2000);
        }
        throw new AssertionError("the node kept writing for two minutes: " + (last >> 20) + " MiB");
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
