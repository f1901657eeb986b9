package io.weft.conf;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

/**
 * The {@code weft.network.*} and {@code weft.driver.bindAddress} settings: how the driver channel is protected
 * and where the driver listens. A {@link ConfigKeySet} of its own (listed in {@code META-INF/services}), so the
 * channel's keys stay together.
 */
public final class NetworkConfigKeys implements ConfigKeySet {

    /** Whether frames after authentication are encrypted and authenticated. */
    public static final ConfigKey<Boolean> CRYPTO_ENABLED = ConfigKeys.bool("weft.network.crypto.enabled", "true",
            "Whether the driver channel encrypts and authenticates every message after the handshake (AES-GCM with"
                    + " per-connection keys derived from the application secret and both ends' nonces). On YARN"
                    + " and in local-cluster alike; both ends must agree (a mismatch is refused and logged).");

    /** How long a connection may take to authenticate. */
    public static final ConfigKey<Long> AUTH_TIMEOUT = ConfigKeys.duration("weft.network.auth.timeout", "10s",
            "How long a connection to the driver may take to finish the authentication handshake before it is"
                    + " closed.");

    /** Concurrent unauthenticated connections. */
    public static final ConfigKey<Integer> AUTH_MAX_PENDING = ConfigKeys.positiveInt("weft.network.auth.maxPending",
            "64", "Connections to the driver that may be authenticating at once; further connections are closed at"
                    + " once until some finish.");

    /** Where the driver's endpoint and status UI listen. */
    public static final ConfigKey<String> DRIVER_BIND_ADDRESS = ConfigKeys.string("weft.driver.bindAddress", null,
            "The address the driver's executor endpoint and its status UI listen on. Default: the NodeManager's"
                    + " host name (NM_HOST) inside a YARN container, the local host name elsewhere; local-cluster"
                    + " always listens on 127.0.0.1. 0.0.0.0 listens on every interface.");

    /** All keys of this set. */
    public static final List<ConfigKey<?>> ALL = List.of(CRYPTO_ENABLED, AUTH_TIMEOUT, AUTH_MAX_PENDING,
            DRIVER_BIND_ADDRESS);

    @Override
    public List<ConfigKey<?>> keys() {
        return ALL;
    }

    /**
     * The address the driver listens on: {@link #DRIVER_BIND_ADDRESS} when set, else {@code NM_HOST} from the
     * environment (a YARN container), else the local host name.
     *
     * @param conf the session's settings
     * @param environment the process environment ({@code System.getenv()})
     * @return a host name or address; never the wildcard unless configured so
     */
    public static String bindAddress(WeftConf conf, Map<String, String> environment) {
        String configured = conf.get(DRIVER_BIND_ADDRESS);
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        String nodeManager = environment.get("NM_HOST");
        if (nodeManager != null && !nodeManager.isBlank()) {
            return nodeManager;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new io.weft.api.WeftException("Cannot find this host's name to listen on (" + e.getMessage()
                    + "). Fix: set " + DRIVER_BIND_ADDRESS.name() + " to an address of this host.", e);
        }
    }

    /**
     * @param bindAddress an address from {@link #bindAddress}
     * @return the name peers should connect to: the address itself, or the local host name for the wildcard
     */
    public static String advertised(String bindAddress) {
        if (!bindAddress.equals("0.0.0.0") && !bindAddress.equals("::")) {
            return bindAddress;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
