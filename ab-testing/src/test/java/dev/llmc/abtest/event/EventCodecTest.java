package dev.llmc.abtest.event;

import dev.llmc.abtest.signal.Signal;
import dev.llmc.abtest.signal.SignalType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventCodecTest {

    @Test
    void exposuresAndSignalsSurviveTheRoundTripIncludingAwkwardCharacters() {
        Exposure exposure = new Exposure("msg_1", "acme", "user\twith\ntabs\\", "conv 1", 3, null, "arm-a", "content", "exp_1",
                "cooking", Double.NaN, 0.25, new float[] {0.5f, -1.25f, 3e-8f}, 12, Instant.parse("2026-01-02T03:04:05.123456Z"), "msg_0",
                "linear_thompson", "static-minilm-v1");
        Signal rating = new Signal("msg_1", SignalType.RATING, 4.5f, Instant.parse("2026-01-02T03:05:00Z"));
        Signal end = new Signal("msg_1", SignalType.END, null, Instant.parse("2026-01-02T03:06:00Z"));

        List<Event> decoded = EventCodec.decode(EventCodec.encode(List.of(exposure, rating, end)));

        Exposure back = (Exposure) decoded.get(0);
        assertEquals("acme", back.owner());
        assertEquals(exposure.userId(), back.userId());
        assertEquals(exposure.servedAt(), back.servedAt());
        assertEquals(null, back.experimentId());
        assertEquals("msg_0", back.regenerates());
        assertEquals("linear_thompson", back.policy());
        assertEquals("static-minilm-v1", back.encoder());
        assertEquals(Double.NaN, back.score());
        assertArrayEquals(exposure.embedding(), back.embedding());
        assertEquals(rating, decoded.get(1));
        assertEquals(end, decoded.get(2));
    }

    /**
     * Lines spooled by earlier versions: E1 before exposures had an owner (read as ''), E2 before they named their
     * policy, E3 before they named their encoder.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"E1, '', ", "E2, acme, ", "E3, acme, thompson"})
    void exposuresSpooledByEarlierVersionsDecodeWithoutWhatTheyLacked(String kind, String owner, String policy) {
        String ownerField = kind.equals("E1") ? "" : owner + "\t";
        String policyField = kind.equals("E3") ? "\t" + policy : "";
        String line = kind + "\tmsg_1\t" + ownerField
                + "u1\tc1\t2\t\\N\t\\N\tcontent\texp_1\tcooking\t0.5\t1.0\tAAAAPw==\t7\t2026-01-02T03:04:05Z\t\\N"
                + policyField + "\n";

        Exposure back = (Exposure) EventCodec.decode(line).get(0);

        assertEquals(owner, back.owner());
        assertEquals("u1", back.userId());
        assertEquals("c1", back.conversationId());
        assertEquals(2, back.turn());
        assertEquals("cooking", back.expertName());
        assertArrayEquals(new float[] {0.5f}, back.embedding());
        assertEquals(policy, back.policy());
        // Unknown, not guessed: the reader of the stored row decides what an unrecorded encoder means.
        assertEquals(null, back.encoder());
    }

    @Test
    void nulAndUnpairedSurrogatesAreEscapedAndSurviveTheRoundTrip() {
        Signal signal = new Signal("m\u0000x\ud800y\udc00\ud83d\ude00\\u0041", SignalType.RETRY, null, Instant.parse("2026-01-02T03:05:00Z"));

        String text = EventCodec.encode(List.of(signal));

        assertEquals(-1, text.indexOf('\u0000'), text);
        assertTrue(text.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF), text);
        assertEquals(signal, EventCodec.decode(text).get(0));
    }
}
