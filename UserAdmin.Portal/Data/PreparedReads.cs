using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace UserAdmin.Portal.Data;

/// <summary>
/// Read connections kept open, each with its statements kept prepared, for the hottest reads (a member by id, a page
/// of members). Preparing a statement (parse, plan) was most of the CPU of an API get under load, and a pooled
/// connection that is closed loses its prepared statements; here a connection is rented, used, and handed back with
/// them. Outside a transaction every statement in WAL mode reads the latest commit, and a statement is reset when its
/// reader is disposed, so an idle connection holds no snapshot and never delays a checkpoint.
/// <para>
/// At most <see cref="MaxIdle"/> connections wait between uses (more are opened under a burst and closed on return),
/// and each keeps at most <see cref="MaxStatements"/> statements: every statement's text is built only from fixed
/// fragments and its values are parameters, so the set of texts is small; past the cap the oldest are dropped.
/// </para>
/// </summary>
public sealed class PreparedReads(IDbContextFactory<PortalDbContext> dbFactory) : IDisposable
{
    public const int MaxStatements = 64;

    public static int MaxIdle { get; } = Math.Max(4, 4 * Environment.ProcessorCount);

    private readonly ConcurrentBag<Slot> _idle = [];
    private volatile bool _disposed;

    /// <summary>A connection for one read (or a few in a row). Dispose the lease, and every reader, before the next caller may use it.</summary>
    public async ValueTask<Lease> RentAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryTake(out var slot))
        {
            return new Lease(this, slot);
        }

        var connection = await Hosting.SqlitePragmas.OpenAsync(PortalConnectionStrings.Of(dbFactory), ct);
        return new Lease(this, new Slot(connection));
    }

    /// <summary>How many connections wait for the next read (for tests).</summary>
    internal int IdleCount => _idle.Count;

    private void Return(Slot slot)
    {
        if (_disposed || slot.Connection.State != System.Data.ConnectionState.Open || _idle.Count >= MaxIdle)
        {
            slot.Dispose();
            return;
        }

        _idle.Add(slot);
        if (_disposed && _idle.TryTake(out var late))
        {
            late.Dispose();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var slot))
        {
            slot.Dispose();
        }
    }

    internal sealed class Slot(SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
        private readonly Queue<string> _order = new();

        public SqliteConnection Connection { get; } = connection;

        public SqliteCommand Command(string sql)
        {
            if (_commands.TryGetValue(sql, out var command))
            {
                command.Parameters.Clear();
                return command;
            }

            if (_commands.Count >= MaxStatements)
            {
                var oldest = _order.Dequeue();
                _commands.Remove(oldest, out var dropped);
                dropped?.Dispose();
            }

            command = Connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
            _order.Enqueue(sql);
            return command;
        }

        public void Dispose()
        {
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }

            _commands.Clear();
            Connection.Dispose();
        }
    }

    /// <summary>One rented connection; give it back by disposing it.</summary>
    public readonly struct Lease : IDisposable
    {
        private readonly PreparedReads _owner;
        private readonly Slot _slot;

        internal Lease(PreparedReads owner, Slot slot)
        {
            _owner = owner;
            _slot = slot;
        }

        public SqliteConnection Connection => _slot.Connection;

        /// <summary>
        /// The connection's command for this text, prepared at its first run and kept, with no parameters: add this
        /// run's. Never change its text; a statement built at run time should come from a fixed set of fragments.
        /// </summary>
        public SqliteCommand Command(string sql) => _slot.Command(sql);

        public void Dispose() => _owner?.Return(_slot);
    }
}
