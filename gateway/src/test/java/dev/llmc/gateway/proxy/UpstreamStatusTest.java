package dev.llmc.gateway.proxy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class UpstreamStatusTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({"401,MISCONFIGURED", "403,MISCONFIGURED", "404,MISCONFIGURED", "400,REJECTED", "406,REJECTED",
            "413,REJECTED", "422,REJECTED", "408,STATUS", "429,STATUS", "500,STATUS", "503,STATUS"})
    void classifiesANodesStatusByWhoseProblemItIs(int status, UpstreamException.Kind kind) {
        assertEquals(kind, ExpertNodeClient.statusKind(status));
    }

    @Test
    void aNodesReasonLosesTheNodesAddressAndStaysOnOneShortLine() {
        String reason = ExpertNodeClient.safeReason("http://10.0.0.7:8000/v1",
                "model at http://10.0.0.7:8000/v1/chat/completions\nsays: " + "x".repeat(1000), "Bad Request");

        assertFalse(reason.contains("10.0.0.7"), reason);
        assertFalse(reason.contains("\n"), reason);
        assertEquals(300, reason.length());
    }

    @Test
    void anEmptyReasonFallsBackToTheStatusPhrase() {
        assertEquals("Unprocessable Entity", ExpertNodeClient.safeReason("http://n/v1", "  ", "Unprocessable Entity"));
    }
}
