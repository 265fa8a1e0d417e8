using WebhookDispatcher.Bench.Hosting;
using WebhookDispatcher.Bench.Reporting;

namespace WebhookDispatcher.Bench.Scenarios;

/// <summary>
/// Measures a scenario's <see cref="UnitCost"/>: CPU of every process, PostgreSQL's transaction count and WAL position
/// at the start, again at <see cref="Stop"/>; the transaction counts are read a moment later, once the backends have
/// reported them (they do within a second of going idle).
/// </summary>
public sealed class CostMeter
{
    private readonly BenchContext _context;
    private readonly long _transactions;
    private readonly long _wal;
    private Dictionary<string, Dictionary<int, double>> _cpu;
    private Dictionary<string, Dictionary<int, double>>? _cpuAfter;
    private long _walAfter;

    private CostMeter(BenchContext context, long transactions, long wal)
    {
        _context = context;
        _transactions = transactions;
        _wal = wal;
        _cpu = context.CpuSnapshot();
    }

    public static async Task<CostMeter> StartAsync(BenchContext context, CancellationToken cancellationToken)
    {
        await Task.Delay(1200, cancellationToken); // the last scenario's transaction counts land
        return new CostMeter(context, await context.Database.TransactionsAsync(cancellationToken), await context.Database.WalBytesAsync(cancellationToken));
    }

    /// <summary>Starts the CPU window again now (a drain counts CPU from its first arrival, not from the Worker's start).</summary>
    public void RestartCpu() => _cpu = _context.CpuSnapshot();

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _cpuAfter = _context.CpuSnapshot();
        _walAfter = await _context.Database.WalBytesAsync(cancellationToken);
    }

    public async Task<UnitCost> CostAsync(long units, CancellationToken cancellationToken)
    {
        if (_cpuAfter is null)
        {
            await StopAsync(cancellationToken);
        }
        await Task.Delay(1200, cancellationToken);
        // Counts the bench's own few queries too: an upper bound.
        var transactions = await _context.Database.TransactionsAsync(cancellationToken) - _transactions;
        return UnitCost.From(ProcessCpu.CpuSeconds(_cpu, _cpuAfter!), units, transactions, _walAfter - _wal);
    }
}
