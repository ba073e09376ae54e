package dev.llmc.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/** Calls to expert nodes ({@code llmc.upstream.*}): connect and whole-response timeouts. */
@ConfigurationProperties("llmc.upstream")
public record UpstreamConfig(
        @Bindable(defaultValue = "2s") Duration connectTimeout,
        @Bindable(defaultValue = "120s") Duration readTimeout) {
}
