using System.Globalization;
using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Tests.Data;

/// <summary>The fixed-layout time reader gives exactly what DateTime.Parse gives, and hands anything else to it.</summary>
public sealed class SqliteTimeTests
{
    [Theory]
    [InlineData("2026-11-30 10:00:00")]
    [InlineData("2026-11-30 10:00:00.1")]
    [InlineData("2026-11-30 23:59:59.12")]
    [InlineData("2024-02-29 00:00:00.123")]
    [InlineData("0001-01-01 00:00:00.0001")]
    [InlineData("9999-12-31 23:59:59.99999")]
    [InlineData("2026-06-01 12:34:56.123456")]
    [InlineData("2026-06-01 12:34:56.1234567")]
    public void TheStoredLayoutReadsAsDateTimeParseReadsIt(string text)
    {
        Assert.True(SqliteTime.TryParseStoredLayout(text, out var fast));

        var expected = DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        Assert.Equal(expected.Ticks, fast.Ticks);
        Assert.Equal(DateTimeKind.Utc, fast.Kind);
        Assert.Equal(expected.Ticks, SqliteTime.ParseUtc(text).Ticks);
    }

    [Fact]
    public void WhatEfWritesComesBackToTheTick()
    {
        var written = new DateTime(2026, 11, 30, 17, 5, 9, DateTimeKind.Utc).AddTicks(1_234_560);
        var text = written.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

        Assert.Equal(written, SqliteTime.ParseUtc(text));
    }

    [Theory]
    [InlineData("2026-11-30T10:00:00")]
    [InlineData("2026-11-30 10:00:00+02:00")]
    [InlineData("2026-11-30 10:00:00.1234567+00:00")]
    [InlineData("2026-11-30 10:00:00.")]
    [InlineData("2026-11-30 10:00:00.12345678")]
    [InlineData("2026-02-30 10:00:00")]
    [InlineData("2026-13-01 10:00:00")]
    [InlineData("2026-11-30 24:00:00")]
    [InlineData("2026-1a-30 10:00:00")]
    [InlineData("2026-11-30")]
    public void AnyOtherShapeIsLeftToDateTimeParse(string text)
    {
        Assert.False(SqliteTime.TryParseStoredLayout(text, out _));
    }

    [Fact]
    public void TextWithAnOffsetIsReadThroughDateTimeParseAsUtc()
    {
        Assert.Equal(new DateTime(2026, 11, 30, 8, 0, 0, DateTimeKind.Utc), SqliteTime.ParseUtc("2026-11-30 10:00:00+02:00"));
        Assert.Equal(DateTimeKind.Utc, SqliteTime.ParseUtc("2026-11-30 10:00:00+02:00").Kind);
    }

    [Fact]
    public void AnImpossibleDateStillFailsLoudly()
    {
        Assert.Throws<FormatException>(() => SqliteTime.ParseUtc("2026-02-30 10:00:00"));
    }
}
