package io.nexus.server.shared.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits of the HTTP edge ({@code nexus.http.*}).
 *
 * @param maxRequestSize the largest request body accepted; larger ones get 413
 */
@ConfigurationProperties("nexus.http")
public record HttpProperties(@DefaultValue("1MB") DataSize maxRequestSize) {

}
