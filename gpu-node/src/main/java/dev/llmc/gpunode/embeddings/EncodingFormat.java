package dev.llmc.gpunode.embeddings;

import dev.llmc.gpunode.error.InvalidRequestException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/** How an embedding is written in the response: a JSON array of floats, or base64 of little-endian float32 bytes. */
enum EncodingFormat {
    FLOAT,
    BASE64;

    static EncodingFormat parse(String value) {
        if (value == null || value.equals("float")) {
            return FLOAT;
        }
        if (value.equals("base64")) {
            return BASE64;
        }
        throw new InvalidRequestException("'encoding_format' must be 'float' or 'base64', got '" + value + "'");
    }

    Object encode(float[] vector) {
        if (this == FLOAT) {
            return vector;
        }
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
