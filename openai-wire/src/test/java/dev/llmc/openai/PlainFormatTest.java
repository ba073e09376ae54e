package dev.llmc.openai;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** The format is a format: no server framework on its classpath, so any module can use it without taking a side. */
class PlainFormatTest {

    @ParameterizedTest
    @ValueSource(strings = {"io.micronaut.http.HttpStatus", "io.micronaut.core.annotation.Nullable", "io.netty.channel.Channel"})
    void bringsNoServerFrameworkAlong(String className) {
        assertThrows(ClassNotFoundException.class, () -> Class.forName(className));
    }
}
