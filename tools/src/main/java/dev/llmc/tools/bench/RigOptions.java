package dev.llmc.tools.bench;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** Options of the benchmarks that start gateways ({@code bench gateway}, {@code bench events}). */
final class RigOptions {
    @Option(names = "--root", defaultValue = "${env:LLMC_ROOT:-.}", description = "the repository (gateway jar, bench/ scripts)")
    Path root;
    @Option(names = "--java-option", paramLabel = "OPTION", split = " ", defaultValue = "${env:LLMC_BENCH_JAVA_OPTS:-}",
            description = "extra JVM options of the gateways, e.g. -XX:StartFlightRecording=filename=bench.jfr (env LLMC_BENCH_JAVA_OPTS)")
    List<String> javaOptions;

    /** The extra JVM options given, without blanks (the empty default). */
    List<String> gatewayJavaOptions() {
        return javaOptions.stream().filter(option -> !option.isBlank()).toList();
    }
}
