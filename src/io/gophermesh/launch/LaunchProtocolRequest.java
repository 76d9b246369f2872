package io.gophermesh.launch;

/**
 * What a launch URL asks for, after {@link LaunchProtocol#parse}. Every field has passed the
 * character checks of the parser; {@code conf} has not yet been confined to the mesh directory
 * (that is {@link LaunchProtocol#resolveConfigPath}).
 *
 * @param port   public port whose route should be ready, {@code null} when the URL names none
 * @param conf   config file relative to the mesh directory ({@code conf} or {@code config}),
 *               {@code null} when the URL names none
 * @param rawUrl the URL as received
 */
public record LaunchProtocolRequest(Integer port, String conf, String rawUrl) {
}
