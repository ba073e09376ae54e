package dev.llmc.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OpenAiErrorTest {
    // Micronaut's default inclusion drops nulls and empties; the body must not depend on the application's setting.
    private final ObjectMapper json = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_EMPTY)
            .build();

    @Test
    void writesNullParamWhenThereIsNoOffendingField() throws Exception {
        assertEquals("{\"error\":{\"message\":\"no such model\",\"type\":\"not_found_error\",\"param\":null,\"code\":\"model_not_found\"}}",
                json.writeValueAsString(OpenAiError.of(404, "model_not_found", "no such model")));
    }

    @Test
    void namesTheOffendingFieldInParam() throws Exception {
        assertEquals("{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\",\"param\":\"messages[0].content\",\"code\":\"invalid_string\"}}",
                json.writeValueAsString(OpenAiError.of(400, "invalid_string", "bad", "messages[0].content")));
    }

    @Test
    void carriesTheRequestIdWhenGivenOne() throws Exception {
        assertEquals("{\"error\":{\"message\":\"no such model\",\"type\":\"not_found_error\",\"param\":null,\"code\":\"model_not_found\",\"request_id\":\"req-1\"}}",
                json.writeValueAsString(OpenAiError.of(404, "model_not_found", "no such model").withRequestId("req-1")));
    }
}
