-- `?q=` plans. PostgreSQL estimates `search_text like '%word%'` by matching the word against the
-- column's histogram. With the default 100 entries a word that 1–2 % of customers have is often
-- seen 0 times and estimated at 0.01 %, and the planner then fetches and sorts tens of thousands
-- of rows through customers_search (0.3–3 s at 1M customers) instead of walking customers_list in
-- page order until 50 match (≈ 3 ms). 500 entries see such words; ANALYZE takes ≈ 4.5 s instead of
-- ≈ 0.9 s on 2M rows (measured with bench/customers, see docs/benchmarks.md).
alter table customers alter column search_text set statistics 500;
