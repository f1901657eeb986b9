package io.weft.runtime.channel;

import io.weft.conf.NetworkConfigKeys;
import io.weft.conf.WeftConf;

/**
 * How one end of the driver channel protects itself.
 *
 * @param encrypt whether frames after the handshake are encrypted and authenticated ({@link FrameCipher}); both
 *     ends must agree, which the handshake checks
 * @param authTimeoutMillis a connection that has not authenticated after this long is closed (the driver's side)
 * @param maxPending connections the driver lets authenticate at once; more are closed on arrival
 */
public record ChannelOptions(boolean encrypt, long authTimeoutMillis, int maxPending) {

    /** The JVM system property that carries {@link NetworkConfigKeys#CRYPTO_ENABLED} to executor processes. */
    public static final String CRYPTO_PROPERTY = NetworkConfigKeys.CRYPTO_ENABLED.name();

    /**
     * @param conf the session's settings
     * @return the options they set
     */
    public static ChannelOptions from(WeftConf conf) {
        return new ChannelOptions(conf.get(NetworkConfigKeys.CRYPTO_ENABLED), conf.get(NetworkConfigKeys.AUTH_TIMEOUT),
                conf.get(NetworkConfigKeys.AUTH_MAX_PENDING));
    }

    /**
     * An executor's or ApplicationMaster's options: it learns the session's settings only after authenticating,
     * so its launcher passes the encryption switch as the system property {@link #CRYPTO_PROPERTY} (absent:
     * {@code true}, the default).
     *
     * @return the options for a process that connects to the driver
     */
    public static ChannelOptions forClient() {
        String value = System.getProperty(CRYPTO_PROPERTY);
        boolean encrypt = value == null || NetworkConfigKeys.CRYPTO_ENABLED.parse(value);
        return defaults().withEncryption(encrypt);
    }

    /** @return the defaults: encrypted, 10 s to authenticate, 64 pending connections */
    public static ChannelOptions defaults() {
        return new ChannelOptions(true, 10_000, 64);
    }

    /**
     * @param value whether to encrypt
     * @return these options with encryption switched
     */
    public ChannelOptions withEncryption(boolean value) {
        return new ChannelOptions(value, authTimeoutMillis, maxPending);
    }

    /**
     * @return the JVM option that gives a launched executor the same encryption switch, e.g. {@code -Dweft.network.crypto.enabled=true}
     */
    public String jvmOption() {
        return "-D" + CRYPTO_PROPERTY + "=" + encrypt;
    }
}
