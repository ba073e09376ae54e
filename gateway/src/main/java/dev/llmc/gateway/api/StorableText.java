package dev.llmc.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.core.annotation.Nullable;

import java.util.Iterator;
import java.util.Map;

/**
 * Text the gateway can store: no U+0000 (PostgreSQL text cannot hold it: one such id once failed every event batch
 * after it) and no unpaired UTF-16 surrogate (a JSON escape of D800 alone parses to one; it is not text, and each store
 * would turn it into something else). Checked at the API for every string a caller sends: body values and field
 * names, path variables and query parameters.
 */
public final class StorableText {
    /** The error code of a refused string. */
    public static final String CODE = "invalid_string";

    private StorableText() {
    }

    /** Throws a 400 naming the first field of {@code node} (at any depth) whose name or string value is not storable. */
    public static void require(JsonNode node) {
        require(node, "");
    }

    /** Throws a 400 naming {@code field} if {@code value} is not storable. */
    public static void require(String field, @Nullable String value) {
        String problem = problem(value);
        if (problem != null) {
            throw InvalidRequestException.invalid(CODE, "'" + field + "' must not contain " + problem, field);
        }
    }

    /** What makes {@code value} unstorable ("U+0000", "an unpaired surrogate (U+D800)"), or null if nothing does. */
    static @Nullable String problem(@Nullable String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\0') {
                return "U+0000";
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "an unpaired surrogate (U+%04X)".formatted((int) c);
            }
        }
        return null;
    }

    private static void require(JsonNode node, String path) {
        if (node.isTextual()) {
            require(path.isEmpty() ? "body" : path, node.textValue());
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                require(node.get(i), path + "[" + i + "]");
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String name = field.getKey();
                String fieldPath = path.isEmpty() ? name : path + "." + name;
                String problem = problem(name);
                if (problem != null) {
                    String shown = path.isEmpty() ? printable(name) : path + "." + printable(name);
                    throw InvalidRequestException.invalid(CODE, "field name '" + shown + "' must not contain " + problem, shown);
                }
                require(field.getValue(), fieldPath);
            }
        }
    }

    /** A field name with its unstorable characters written as escapes, so the error body itself is storable. */
    private static String printable(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1));
            if (paired) {
                out.append(c).append(name.charAt(++i));
            } else if (c == '\0' || Character.isSurrogate(c)) {
                out.append("\\u%04x".formatted((int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
