package dev.llmc.gateway.routing;

import dev.llmc.model.scoring.Controller;

/** The controllers a turn can be routed with: the active one, or a version an experiment arm pins. */
public interface ServingControllers {
    Controller active();

    /** A specific version ({@code content} included); fails when it does not exist. */
    Controller get(String version);
}
