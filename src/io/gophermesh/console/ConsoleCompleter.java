package io.gophermesh.console;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jline.builtins.Completers;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

import io.gophermesh.engine.BackendStatus;
import io.gophermesh.engine.MeshControl;
import io.gophermesh.engine.RouteStatus;

/** Completes command names, backend refs of the live config, {@code -f} and file names for reload. */
final class ConsoleCompleter implements Completer {
    private final MeshControl mesh;
    private final Completer files = new Completers.FileNameCompleter();

    ConsoleCompleter(MeshControl mesh) {
        this.mesh = mesh;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        int index = line.wordIndex();
        if (index == 0) {
            for (Commands.Command command : Commands.Command.values()) {
                candidates.add(new Candidate(command.word, command.word, null, command.help, null, null, true));
            }
            return;
        }
        String command = line.words().getFirst().toLowerCase(Locale.ROOT);
        switch (command) {
            case "logs" -> {
                if (index == 1) {
                    refs(candidates);
                } else if (index == 2) {
                    candidates.add(new Candidate("-f", "-f", null, "follow new lines until Ctrl-C", null, null, true));
                }
            }
            case "kill" -> {
                if (index == 1) {
                    refs(candidates);
                }
            }
            case "reload" -> {
                if (index == 1) {
                    files.complete(reader, line, candidates);
                }
            }
            default -> {
                // the other commands take no argument
            }
        }
    }

    private void refs(List<Candidate> candidates) {
        Map<String, RouteStatus> routes;
        try {
            routes = mesh.status();
        } catch (RuntimeException e) {
            return; // completion must never break the prompt
        }
        for (RouteStatus route : routes.values()) {
            for (BackendStatus backend : route.backends()) {
                candidates.add(new Candidate(backend.ref(), backend.ref(), route.name(),
                        backend.name() + " (" + backend.status() + ")", null, null, true));
            }
        }
    }
}
