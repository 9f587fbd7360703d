using System.Data.Common;

namespace TrackerEvents.Store;

/// <summary>
/// A write transaction and whatever the dialect holds for it (SQLite: its turn as the one writer).
/// Disposing it ends the transaction (rolled back unless committed) and then gives the turn up.
/// </summary>
internal sealed class WriteTransaction(DbTransaction transaction, IDisposable? turn) : IAsyncDisposable
{
    private IDisposable? _turn = turn;

    public DbTransaction Transaction => transaction;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await transaction.DisposeAsync();
        }
        finally
        {
            Interlocked.Exchange(ref _turn, null)?.Dispose();
        }
    }
}
