package dev.llmc.abtest.event;

import dev.llmc.abtest.signal.Signal;
import dev.llmc.abtest.signal.SignalType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A compact text form of event batches for the Redis buffer, the disk spool and the quarantine table: one event per
 * line, tab-separated fields, backslash escapes, {@code \N} for null, e(C) as base64 of little-endian floats.
 * U+0000 ({@code \0}) and unpaired surrogates (backslash, u, four hex digits) are escaped too, so the text is
 * always valid UTF-8 that PostgreSQL and Redis store unchanged, whatever the event holds.
 * Text (not Java serialisation) so that a spool written by one version can be read by the next.
 */
public final class EventCodec {
    private static final String NULL = "\\N";

    private EventCodec() {
    }

    public static String encode(List<? extends Event> events) {
        StringBuilder out = new StringBuilder(events.size() * 256);
        for (Event event : events) {
            switch (event) {
                case Exposure e -> line(out, "E4", e.messageId(), e.owner(), e.userId(), e.conversationId(), Integer.toString(e.turn()),
                        e.experimentId(), e.arm(), e.controllerVersion(), e.expertId(), e.expertName(),
                        Double.toString(e.score()), Double.toString(e.propensity()), embedding(e.embedding()),
                        Integer.toString(e.latencyMillis()), e.servedAt().toString(), e.regenerates(), e.policy(), e.encoder());
                case Signal s -> line(out, "S1", s.messageId(), s.type().wireName(),
                        s.value() == null ? null : Float.toString(s.value()), s.receivedAt().toString());
                default -> throw new IllegalArgumentException("unknown event " + event.getClass());
            }
        }
        return out.toString();
    }

    public static List<Event> decode(String text) {
        List<Event> events = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = fields(line);
            switch (f[0]) {
                // E1: written before exposures had an owner (a spool or buffer kept across the upgrade).
                case "E1" -> events.add(exposure(f[1], "", f, 2, null, null));
                // E2: written before exposures named their policy.
                case "E2" -> events.add(exposure(f[1], f[2], f, 3, null, null));
                // E3: written before exposures named their encoder.
                case "E3" -> events.add(exposure(f[1], f[2], f, 3, f[17], null));
                case "E4" -> events.add(exposure(f[1], f[2], f, 3, f[17], f[18]));
                case "S1" -> events.add(new Signal(f[1], SignalType.fromWireName(f[2]).orElseThrow(),
                        f[3] == null ? null : Float.parseFloat(f[3]), Instant.parse(f[4])));
                default -> throw new IllegalArgumentException("unknown event line kind '" + f[0] + "'");
            }
        }
        return events;
    }

    private static Exposure exposure(String messageId, String owner, String[] f, int i, String policy, String encoder) {
        return new Exposure(messageId, owner, f[i], f[i + 1], Integer.parseInt(f[i + 2]), f[i + 3], f[i + 4], f[i + 5], f[i + 6],
                f[i + 7], Double.parseDouble(f[i + 8]), Double.parseDouble(f[i + 9]), embedding(f[i + 10]),
                Integer.parseInt(f[i + 11]), Instant.parse(f[i + 12]), f[i + 13], policy, encoder);
    }

    private static void line(StringBuilder out, String kind, String... fields) {
        out.append(kind);
        for (String field : fields) {
            out.append('\t');
            if (field == null) {
                out.append(NULL);
                continue;
            }
            escape(out, field);
        }
        out.append('\n');
    }

    /** {@code text} with the codec's escapes: storable as PostgreSQL text even when it holds U+0000 or lone surrogates. */
    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length() + 8);
        escape(out, text);
        return out.toString();
    }

    private static void escape(StringBuilder out, String field) {
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\0' -> out.append("\\0");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < field.length() && Character.isLowSurrogate(field.charAt(i + 1))) {
                        out.append(c).append(field.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }

    private static String[] fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean isNull = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\t') {
                fields.add(isNull ? null : current.toString());
                current.setLength(0);
                isNull = false;
            } else if (c == '\\' && i + 1 < line.length()) {
                char next = line.charAt(++i);
                switch (next) {
                    case 't' -> current.append('\t');
                    case 'n' -> current.append('\n');
                    case 'r' -> current.append('\r');
                    case '0' -> current.append('\0');
                    case 'u' -> {
                        current.append((char) Integer.parseInt(line, i + 1, i + 5, 16));
                        i += 4;
                    }
                    case 'N' -> isNull = true;
                    default -> current.append(next);
                }
            } else {
                current.append(c);
            }
        }
        fields.add(isNull ? null : current.toString());
        return fields.toArray(String[]::new);
    }

    private static String embedding(float[] embedding) {
        return embedding == null ? null : Base64.getEncoder().encodeToString(toBytes(embedding));
    }

    private static float[] embedding(String base64) {
        return base64 == null ? null : fromBytes(Base64.getDecoder().decode(base64));
    }

    /** e(C) as stored in the {@code exposures.embedding} column: little-endian float32. */
    public static byte[] toBytes(float[] embedding) {
        ByteBuffer buffer = ByteBuffer.allocate(embedding.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(embedding);
        return buffer.array();
    }

    public static float[] fromBytes(byte[] bytes) {
        float[] embedding = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(embedding);
        return embedding;
    }
}
