package dev.llmc.gateway.proxy;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ServerSentEventDataTest {

    private static List<String> feedInPieces(String stream, int pieceSize) {
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        ServerSentEventData parser = new ServerSentEventData();
        List<String> events = new ArrayList<>();
        for (int start = 0; start < bytes.length; start += pieceSize) {
            byte[] piece = new byte[Math.min(pieceSize, bytes.length - start)];
            System.arraycopy(bytes, start, piece, 0, piece.length);
            events.addAll(parser.feed(piece));
        }
        return events;
    }

    @Test
    void eventsSplitAnywhereEvenInsideACharacterComeOutWhole() {
        String stream = "data: {\"content\":\"crème brûlée 🍮\"}\n\ndata: [DONE]\n\n";

        for (int size = 1; size <= 7; size++) {
            assertEquals(List.of("{\"content\":\"crème brûlée 🍮\"}", "[DONE]"), feedInPieces(stream, size), "pieces of " + size);
        }
    }

    @Test
    void commentsAndOtherFieldsAreSkippedAndDataLinesJoined() {
        String stream = ": keep-alive\r\nevent: delta\r\nid: 7\r\ndata:first\r\ndata: second\r\n\r\n\n";

        assertEquals(List.of("first\nsecond"), feedInPieces(stream, 1000));
    }

    @Test
    void anEventWithoutItsBlankLineIsNotYetComplete() {
        assertEquals(List.of(), feedInPieces("data: {\"a\":1}\n", 1000));
    }
}
