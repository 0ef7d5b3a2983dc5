package dev.fetchfleet.job;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Recognizes the addresses a fetch must not reach unless a job allows it: link-local ranges, where
 * cloud instance-metadata services answer with credentials, and those services' well-known names.
 * Decided from the URL alone: validation never resolves a name, so it sends nothing anywhere.
 */
public final class LinkLocal {

    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9a-f:.]+");
    private static final Set<String> METADATA_NAMES = Set.of("metadata.google.internal", "metadata.goog", "metadata",
            "instance-data", "instance-data.ec2.internal", "metadata.azure.com");
    /** Alibaba's and Oracle's metadata services sit outside 169.254.0.0/16: 100.100.100.200 and 192.0.0.192. */
    private static final Set<Long> METADATA_IPV4 = Set.of(0x646464C8L, 0xC00000C0L);
    private static final byte[] EC2_IPV6_METADATA = {(byte) 0xfd, 0, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54};

    private LinkLocal() {}

    public static boolean isLinkLocalOrMetadata(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (METADATA_NAMES.contains(h)) {
            return true;
        }
        Long v4 = ipv4(h, false);
        Long bsd = ipv4(h, true);
        if (v4 != null || bsd != null) {
            return (v4 != null && refusedIpv4(v4)) || (bsd != null && refusedIpv4(bsd));
        }
        if (h.contains(":")) {
            return refusedIpv6(h);
        }
        return false;
    }

    private static boolean refusedIpv4(long address) {
        return (address >>> 16) == 0xA9FE || METADATA_IPV4.contains(address); // 169.254.0.0/16
    }

    /**
     * A dotted-number host as resolvers read it: one to four parts, the last filling the bytes left
     * ({@code 2852039166} and {@code 169.254.43518} are both 169.254.169.254). Java reads the parts as
     * decimal; {@code bsd} reads them as inet_aton does, {@code 0x} hex and leading-zero octal. Null when
     * the host is no such number.
     */
    private static Long ipv4(String h, boolean bsd) {
        String[] parts = h.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long address = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            int radix = 10;
            if (bsd && part.length() > 2 && part.startsWith("0x")) {
                radix = 16;
                part = part.substring(2);
            } else if (bsd && part.length() > 1 && part.startsWith("0")) {
                radix = 8;
                part = part.substring(1);
            }
            long value;
            try {
                value = part.length() > 12 || part.startsWith("+") || part.startsWith("-") ? -1 : Long.parseLong(part, radix);
            } catch (NumberFormatException notANumber) {
                return null;
            }
            if (value < 0) {
                return null;
            }
            boolean last = i == parts.length - 1;
            long max = last ? (1L << (8 * (4 - i))) - 1 : 255;
            if (value > max) {
                return null;
            }
            address = last ? (address << (8 * (4 - i))) | value : (address << 8) | value;
        }
        return address;
    }

    /**
     * fe80::/10, EC2's fd00:ec2::254 however it is written, and IPv4-mapped or -compatible forms of a
     * refused IPv4 address. Only a string of hex digits, colons and dots reaches InetAddress, which parses
     * such a string as a literal and never looks it up.
     */
    private static boolean refusedIpv6(String h) {
        int zone = h.indexOf('%');
        String literal = zone < 0 ? h : h.substring(0, zone);
        if (!IPV6_LITERAL.matcher(literal).matches()) {
            return false;
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(literal);
        } catch (UnknownHostException notALiteral) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) { // Java turns ::ffff:a.b.c.d into an IPv4 address
            return refusedIpv4(Integer.toUnsignedLong(ByteBuffer.wrap(b).getInt()));
        }
        if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80 || Arrays.equals(b, EC2_IPV6_METADATA)) {
            return true;
        }
        boolean compatible = true; // ::a.b.c.d
        for (int i = 0; i < 12; i++) {
            compatible &= b[i] == 0;
        }
        return compatible && refusedIpv4(Integer.toUnsignedLong(ByteBuffer.wrap(b, 12, 4).getInt()));
    }
}
