/**
 * Long-running sessions: programs of the session's user attach to a running Weft application and run jobs on its
 * warm executors.
 *
 * <p><b>Roles.</b> The session side is {@link io.weft.driver.session.SessionService}, started on a
 * {@link io.weft.driver.DriverEngine} whose backend has a driver endpoint; the program side is
 * {@link io.weft.driver.session.SessionClientEngine}, an {@link io.weft.api.spi.Engine} under the program's
 * {@code WeftSession}. They talk over the driver endpoint's port, the client authenticating as
 * {@link io.weft.runtime.channel.PeerRole#SESSION_CLIENT} with the secret in the session's
 * {@link io.weft.driver.session.SessionEndpoint} file.
 *
 * <p><b>Protocol</b> ({@link io.weft.runtime.channel.Messages}, after the handshake):
 * <ol>
 *   <li>client: {@code SessionAttach} (name, settings, jars as name + length + SHA-256);</li>
 *   <li>session: {@code SessionNeeds(0, digests)}, the jars it does not hold; the client sends each as
 *       {@code SessionUpload} pieces; the session keeps them by digest ({@code JarStore}), opens the
 *       attachment's scope ({@link io.weft.driver.session.SessionScopes}) and answers {@code SessionAttached};</li>
 *   <li>then any number of {@code SessionCall}s, concurrently, each answered by one {@code SessionReply} with its
 *       id: the result, or the failure's kind and message, plus after a job the attachment's accumulator
 *       values. {@code addJar}/{@code addFile} first {@code offer} the file the same way.</li>
 * </ol>
 * Arguments and results are opaque bytes serialized with the program's class loader on one end and the scope's on
 * the other ({@code SessionWire}: the application's serializers, with lineage nodes whole). Anything else, or out
 * of order, closes that connection only.
 *
 * <p><b>Isolation.</b> Per attachment: a scope, a scheduler pool ({@code weft.scheduler.pool} = the attachment
 * id), namespaced job groups, its broadcasts and accumulators. When the connection closes its jobs are cancelled,
 * its broadcasts destroyed and its scope closed. All attached programs belong to the session's user; nothing here
 * isolates them from each other against misuse.
 */
package io.weft.driver.session;
