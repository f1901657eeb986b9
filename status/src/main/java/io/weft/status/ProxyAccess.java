package io.weft.status;

import java.net.InetAddress;
import java.util.Set;

/**
 * The cluster web proxy through which a driver's UI must be reached, when there is one (on YARN).
 *
 * @param proxyAddresses the proxy's addresses; requests from anywhere else are redirected to it
 * @param proxyBase the application's base URL on the proxy
 */
public record ProxyAccess(Set<InetAddress> proxyAddresses, String proxyBase) {
}
