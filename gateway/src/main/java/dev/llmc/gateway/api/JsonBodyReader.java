package dev.llmc.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.inject.Singleton;

import java.util.stream.Collectors;

/**
 * Reads request bodies with messages an API caller can act on ("unknown field 'foo'", "field 'messages'
 * must be an array") instead of parser internals. Write endpoints are strict: unknown fields are rejected.
 *
 * <p>Every body passes through here, so this is where text that cannot be stored is refused, once for all endpoints:
 * a string value or field name holding U+0000 (PostgreSQL text cannot hold it) or an unpaired surrogate (not text at
 * all; PostgreSQL and Redis would each store something else) is a 400 naming the field ({@link StorableText}).
 */
@Singleton
public final class JsonBodyReader {
    private final ObjectMapper mapper;
    private final ObjectMapper strict;

    JsonBodyReader(ObjectMapper mapper) {
        this.mapper = mapper;
        this.strict = mapper.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        // {"user_id": 5} is a client bug, not a string "5".
        strict.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }

    /** Parses a body into a record, rejecting unknown fields and wrong types. */
    public <T> T read(String body, Class<T> type) {
        JsonNode tree;
        try {
            tree = strict.readTree(requireBody(body));
        } catch (JsonProcessingException malformed) {
            throw InvalidRequestException.invalid("malformed JSON: " + OpenAiErrorResponseProcessor.withoutParserNoise(malformed.getOriginalMessage()));
        }
        StorableText.require(tree);
        try {
            return strict.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException unknown) {
            throw InvalidRequestException.invalid("unknown field '" + unknown.getPropertyName() + "'");
        } catch (MismatchedInputException mismatch) {
            throw InvalidRequestException.invalid(describe(mismatch));
        } catch (JsonProcessingException malformed) {
            throw InvalidRequestException.invalid("malformed JSON: " + OpenAiErrorResponseProcessor.withoutParserNoise(malformed.getOriginalMessage()));
        }
    }

    /** Parses a body that must be a JSON object, keeping every field (OpenAI parameters pass through). */
    public ObjectNode readObject(String body) {
        JsonNode node;
        try {
            node = mapper.readTree(requireBody(body));
        } catch (JsonProcessingException malformed) {
            throw InvalidRequestException.invalid("malformed JSON: " + OpenAiErrorResponseProcessor.withoutParserNoise(malformed.getOriginalMessage()));
        }
        if (!(node instanceof ObjectNode object)) {
            throw InvalidRequestException.invalid("the request body must be a JSON object");
        }
        StorableText.require(object);
        return object;
    }

    private static String requireBody(String body) {
        if (body == null || body.isBlank()) {
            throw InvalidRequestException.invalid("the request body is empty; send a JSON object");
        }
        return body;
    }

    private static String describe(MismatchedInputException mismatch) {
        String field = mismatch.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        if (field.isEmpty()) {
            return "the request body must be a JSON object";
        }
        String expected = mismatch.getTargetType() == null ? "another type" : describeType(mismatch.getTargetType());
        return "field '" + field + "' must be " + expected;
    }

    private static String describeType(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "a boolean";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        return "an object";
    }
}
