package dev.llmc.openai;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ErrorTypeTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "400, invalid_request_error",
            "401, authentication_error",
            "403, permission_error",
            "404, not_found_error",
            "405, invalid_request_error",
            "409, conflict_error",
            "413, request_too_large",
            "415, invalid_request_error",
            "422, invalid_request_error",
            "429, rate_limit_error",
            "500, internal_error",
            "501, internal_error",
            "502, upstream_error",
            "503, service_unavailable",
            "504, upstream_error",
    })
    void eachStatusHasItsFixedType(int status, String type) {
        assertEquals(type, ErrorType.forStatus(status));
    }
}
