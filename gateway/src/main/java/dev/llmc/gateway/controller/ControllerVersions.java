package dev.llmc.gateway.controller;

import dev.llmc.gateway.api.ApiException;
import dev.llmc.model.scoring.ContentBasedController;
import dev.llmc.model.scoring.Controller;
import jakarta.inject.Singleton;

/** The controllers the router can use: the active one, and specific versions that A/B arms pin. */
@Singleton
public final class ControllerVersions {
    private final Controller content = new ContentBasedController();

    /** The controller that serves traffic outside experiments. */
    public Controller active() {
        return content;
    }

    /** A specific version; 404 if it does not exist. */
    public Controller get(String version) {
        if (ContentBasedController.VERSION.equals(version)) {
            return content;
        }
        throw ApiException.notFound("controller_version_not_found", "no controller version '" + version + "'");
    }
}
