package io.gophermesh.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Confines a config file named by a launch URL to the mesh directory. */
final class ConfigPaths {
    /** Default config file name, relative to the mesh directory. */
    static final String DEFAULT_FILE = "config.json";

    private static final Pattern SEGMENT = Pattern.compile("[\\p{L}\\p{N}_][\\p{L}\\p{N}._-]{0,254}");
    private static final int MAX_SEGMENTS = 16;
    // Device names that Windows resolves anywhere, whatever the extension.
    private static final Set<String> WINDOWS_DEVICES = Set.of("con", "prn", "aux", "nul",
            "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
            "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

    private ConfigPaths() {
    }

    static Path resolve(Path baseDir, Path defaultConfig, String conf) throws LaunchException {
        if (baseDir == null) {
            throw new IllegalArgumentException("mesh directory is required");
        }
        if (conf == null) {
            Path config = defaultConfig == null ? Path.of(DEFAULT_FILE) : defaultConfig;
            return (config.isAbsolute() ? config : baseDir.toAbsolutePath().resolve(config)).normalize();
        }
        checkShape(conf);
        Path base;
        try {
            base = baseDir.toRealPath();
        } catch (IOException e) {
            throw new LaunchException("mesh directory " + baseDir + " cannot be resolved: " + e.getMessage(), e);
        }
        Path candidate = base.resolve(conf);
        if (!Files.exists(candidate)) {
            throw new LaunchException("config file " + Texts.show(conf) + " named by the launch URL does not exist in " + base);
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (IOException e) {
            throw new LaunchException("config file " + Texts.show(conf) + " cannot be resolved: " + e.getMessage(), e);
        }
        if (!real.startsWith(base)) {
            throw new LaunchException("config file " + Texts.show(conf) + " resolves to " + real
                    + ", outside the mesh directory " + base);
        }
        if (!Files.isRegularFile(real)) {
            throw new LaunchException("config file " + Texts.show(conf) + " is not a regular file");
        }
        return real;
    }

    /** Only {@code name.json} or {@code dir/…/name.json} made of plain names is accepted. */
    private static void checkShape(String conf) throws LaunchException {
        String refused = "config file " + Texts.show(conf) + " named by the launch URL is refused: ";
        if (conf.startsWith("/") || conf.contains("\\") || conf.contains(":")) {
            throw new LaunchException(refused + "it must be a path relative to the mesh directory, with '/' separators");
        }
        String[] segments = conf.split("/", -1);
        if (segments.length > MAX_SEGMENTS) {
            throw new LaunchException(refused + "more than " + MAX_SEGMENTS + " folders deep");
        }
        for (String segment : segments) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw new LaunchException(refused + "each part must be a plain name (letters, digits, '_', '-', '.'; "
                        + "not empty, not starting with '.', so no '..')");
            }
            String stem = segment.contains(".") ? segment.substring(0, segment.indexOf('.')) : segment;
            if (WINDOWS_DEVICES.contains(stem.toLowerCase(Locale.ROOT))) {
                throw new LaunchException(refused + "'" + segment + "' is a reserved device name");
            }
        }
        if (!segments[segments.length - 1].toLowerCase(Locale.ROOT).endsWith(".json")) {
            throw new LaunchException(refused + "it must name a .json file");
        }
    }
}
