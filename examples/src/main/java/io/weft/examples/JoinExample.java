package io.weft.examples;

import io.weft.api.Pair;
import io.weft.api.PairDataset;
import io.weft.api.WeftSession;
import java.util.ArrayList;
import java.util.List;

/**
 * Joins orders with customers and totals the spend per country: a join, then an aggregation.
 */
public final class JoinExample {

    private JoinExample() {
    }

    /**
     * @param args optional: an output directory for the totals (one {@code (country,total)} line each); without
     *     it they are printed
     */
    public static void main(String[] args) {
        try (WeftSession weft = WeftSession.builder().appName("join").getOrCreate()) {
            if (args.length > 0) {
                totalsByCountry(weft, 1_000, 50_000).saveAsTextFile(args[0]);
                System.out.println("Totals written to " + args[0]);
                return;
            }
            totalsByCountry(weft, 1_000, 50_000).collect().stream()
                    .sorted((a, b) -> Long.compare(b.value(), a.value()))
                    .forEach(p -> System.out.printf("%-8s %,d%n", p.key(), p.value()));
        }
    }

    /**
     * @param weft the session
     * @param customers how many customers
     * @param orders how many orders
     * @return total order amount per country
     */
    public static PairDataset<String, Long> totalsByCountry(WeftSession weft, int customers, int orders) {
        String[] countries = {"FR", "DE", "US", "JP", "BR", "IN", "NG", "NZ"};
        List<Pair<Integer, String>> customerRows = new ArrayList<>();
        for (int c = 0; c < customers; c++) {
            customerRows.add(Pair.of(c, countries[(c * 7) % countries.length]));
        }
        List<Pair<Integer, Long>> orderRows = new ArrayList<>();
        for (int o = 0; o < orders; o++) {
            orderRows.add(Pair.of((o * 31) % customers, (long) (o % 100 + 1)));
        }
        PairDataset<Integer, String> byCustomer = weft.parallelize(customerRows, 4).mapToPair(p -> p);
        PairDataset<Integer, Long> amounts = weft.parallelize(orderRows, 8).mapToPair(p -> p);
        return amounts.join(byCustomer)
                .mapToPair(p -> Pair.of(p.value().value(), p.value().key()))
                .reduceByKey(Long::sum);
    }
}
