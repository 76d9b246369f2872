package io.gophermesh.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Linux (freedesktop): a wrapper script under {@code DATA/SLUG/}, a desktop entry
 * {@code DATA/applications/SLUG.desktop} that runs it with {@code %u}, made the handler of
 * {@code x-scheme-handler/SCHEME} with {@code xdg-mime}. DATA is {@code $XDG_DATA_HOME} or
 * {@code ~/.local/share}.
 */
final class LinuxRegistration {
    private LinuxRegistration() {
    }

    static Path dataHome(Host host) {
        String xdg = host.env().get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg);
        }
        return host.home().resolve(".local").resolve("share");
    }

    static Path wrapperPath(Host host, LaunchProtocolOptions options) {
        String slug = options.desktopSlug();
        return dataHome(host).resolve(slug).resolve(slug + "-open-url");
    }

    static Path desktopPath(Host host, LaunchProtocolOptions options) {
        return dataHome(host).resolve("applications").resolve(options.desktopSlug() + ".desktop");
    }

    static String mimeType(LaunchProtocolOptions options) {
        return "x-scheme-handler/" + options.scheme().toLowerCase(Locale.ROOT);
    }

    static String desktopEntry(Path wrapper, LaunchProtocolOptions options) {
        return "[Desktop Entry]\n"
                + "Type=Application\n"
                + "Version=1.0\n"
                + "Name=" + Quoting.desktopString(options.displayName()) + "\n"
                + "Comment=Starts the mesh for " + options.scheme().toLowerCase(Locale.ROOT) + ":// links\n"
                + "Exec=" + Quoting.desktopExecArg(wrapper.toString()) + " %u\n"
                + "Terminal=false\n"
                + "NoDisplay=true\n"
                + "MimeType=" + mimeType(options) + ";\n";
    }

    /** {@return what was done, for the log line} */
    static String register(Host host, Path jar, LaunchProtocolOptions options) throws IOException {
        Path wrapper = wrapperPath(host, options);
        Path desktop = desktopPath(host, options);
        Registrar.write(wrapper, Registrar.wrapperScript(host.javaCommand(), jar, true).getBytes(StandardCharsets.UTF_8), "rwxr-xr-x");
        Registrar.write(desktop, desktopEntry(wrapper, options).getBytes(StandardCharsets.UTF_8), "rw-r--r--");
        Path xdgMime = host.which("xdg-mime").orElseThrow(() -> new IOException(
                "xdg-mime not found on PATH; desktop entry " + desktop + " written but not made the handler"));
        Registrar.run(host, List.of(xdgMime.toString(), "default", desktop.getFileName().toString(), mimeType(options)));
        Optional<Path> updateDatabase = host.which("update-desktop-database");
        if (updateDatabase.isPresent()) {
            try {
                // Only refreshes a cache some desktops read; the handler is already set.
                host.runner().run(List.of(updateDatabase.get().toString(), desktop.getParent().toString()),
                        Registrar.COMMAND_TIMEOUT);
            } catch (IOException ignored) {
                // the cache is rebuilt by the desktop later
            }
        }
        return "desktop entry " + desktop + ", wrapper " + wrapper;
    }
}
