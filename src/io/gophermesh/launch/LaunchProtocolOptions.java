package io.gophermesh.launch;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Names under which the launch URL scheme is parsed and registered. Every component may be
 * {@code null} or blank, meaning its default; the canonical constructor fills the defaults and
 * refuses names that could not be used safely as a file name, registry key or desktop-entry value.
 *
 * @param scheme           URL scheme (default {@value LaunchProtocol#SCHEME}); letters, digits,
 *                         {@code + - .}, starting with a letter
 * @param displayName      name shown by the desktop (default {@code GopherMesh}); no control
 *                         characters, slashes or backslashes
 * @param windowsKeyName   key under {@code HKCU\Software\Classes} (default: the scheme)
 * @param linuxDesktopName desktop entry and wrapper folder name, lower-cased when used
 *                         (default: the Windows key name)
 * @param macOSBundleId    bundle id recorded as the scheme's handler on macOS
 *                         (default {@code com.gophermesh.cli})
 */
public record LaunchProtocolOptions(String scheme, String displayName, String windowsKeyName,
                                    String linuxDesktopName, String macOSBundleId) {

    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]{0,63}");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,63}");
    private static final Pattern BUNDLE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,154}");

    // Declared after the patterns: the constructor it runs needs them.
    /** All defaults. */
    public static final LaunchProtocolOptions DEFAULT = new LaunchProtocolOptions(null, null, null, null, null);

    /**
     * Fills defaults and checks every name.
     *
     * @throws IllegalArgumentException naming the option and the rule it breaks
     */
    public LaunchProtocolOptions {
        scheme = orDefault(scheme, LaunchProtocol.SCHEME);
        displayName = orDefault(displayName, "GopherMesh");
        windowsKeyName = orDefault(windowsKeyName, scheme);
        linuxDesktopName = orDefault(linuxDesktopName, windowsKeyName);
        macOSBundleId = orDefault(macOSBundleId, "com.gophermesh.cli");
        require(SCHEME.matcher(scheme).matches(), "scheme", scheme,
                "letters, digits, '+', '-' or '.', starting with a letter");
        require(FILE_NAME.matcher(windowsKeyName).matches(), "windowsKeyName", windowsKeyName,
                "letters, digits, '_', '-' or '.', not starting with '.'");
        require(FILE_NAME.matcher(linuxDesktopName).matches(), "linuxDesktopName", linuxDesktopName,
                "letters, digits, '_', '-' or '.', not starting with '.'");
        require(BUNDLE_ID.matcher(macOSBundleId).matches(), "macOSBundleId", macOSBundleId,
                "letters, digits, '-' or '.'");
        require(displayName.length() <= 64 && !displayName.equals(".") && !displayName.equals("..")
                        && displayName.codePoints().noneMatch(LaunchProtocolOptions::unsafeInName),
                "displayName", displayName, "at most 64 characters without control characters, '/' or '\\'");
    }

    /** {@return a builder starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the Linux desktop name as used in file names} */
    String desktopSlug() {
        return linuxDesktopName.toLowerCase(Locale.ROOT);
    }

    private static boolean unsafeInName(int c) {
        return Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                || c == '/' || c == '\\' || Character.getType(c) == Character.LINE_SEPARATOR
                || Character.getType(c) == Character.PARAGRAPH_SEPARATOR;
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static void require(boolean ok, String option, String value, String rule) {
        if (!ok) {
            throw new IllegalArgumentException("launch protocol option " + option + " " + Texts.show(value)
                    + " is not usable: expected " + rule);
        }
    }

    /** Builds {@link LaunchProtocolOptions}; unset names keep their defaults. */
    public static final class Builder {
        private String scheme;
        private String displayName;
        private String windowsKeyName;
        private String linuxDesktopName;
        private String macOSBundleId;

        private Builder() {
        }

        /**
         * Sets the URL scheme.
         *
         * @param value URL scheme
         * @return this builder
         */
        public Builder scheme(String value) {
            scheme = value;
            return this;
        }

        /**
         * Sets the name shown by the desktop.
         *
         * @param value name shown by the desktop
         * @return this builder
         */
        public Builder displayName(String value) {
            displayName = value;
            return this;
        }

        /**
         * Sets the Windows registry key name.
         *
         * @param value registry key name under HKCU\Software\Classes
         * @return this builder
         */
        public Builder windowsKeyName(String value) {
            windowsKeyName = value;
            return this;
        }

        /**
         * Sets the Linux desktop entry name.
         *
         * @param value desktop entry name
         * @return this builder
         */
        public Builder linuxDesktopName(String value) {
            linuxDesktopName = value;
            return this;
        }

        /**
         * Sets the macOS bundle id.
         *
         * @param value macOS bundle id
         * @return this builder
         */
        public Builder macOSBundleId(String value) {
            macOSBundleId = value;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException when a name is not usable
         */
        public LaunchProtocolOptions build() {
            return new LaunchProtocolOptions(scheme, displayName, windowsKeyName, linuxDesktopName, macOSBundleId);
        }
    }
}
