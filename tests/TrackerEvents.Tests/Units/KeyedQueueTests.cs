using TrackerEvents.Subscriptions;

namespace TrackerEvents.Tests.Units;

/// <summary>The queue behind outboxes and batch streams, against a plain list that does the same slowly.</summary>
public sealed class KeyedQueueTests
{
    [Fact]
    public void AKeyedEntry_IsReplacedInItsPlace_AndUnkeyedOnesQueue()
    {
        var queue = new KeyedQueue<string>();
        queue.Put(1, "a1");
        queue.Add("x");
        queue.Put(2, "b1");
        queue.Put(1, "a2");

        queue.Count.Should().Be(3);
        queue.TryGet(1, out var a).Should().BeTrue();
        a.Should().Be("a2");
        queue.Drain().Should().Equal((1L, "a2"), (null, "x"), (2L, "b1"));
        queue.Count.Should().Be(0);
        queue.TryTake(out _, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomOperations_GiveWhatAPlainListGives(int seed)
    {
        var random = new Random(seed);
        var queue = new KeyedQueue<int>();
        var model = new List<(long? Key, int Value)>();
        for (var step = 0; step < 20_000; step++)
        {
            var key = (long)random.Next(50);
            switch (random.Next(10))
            {
                case < 4:
                    queue.Put(key, step);
                    var at = model.FindIndex(e => e.Key == key);
                    if (at >= 0)
                    {
                        model[at] = (key, step);
                    }
                    else
                    {
                        model.Add((key, step));
                    }

                    break;
                case 4:
                    queue.Add(step);
                    model.Add((null, step));
                    break;
                case < 8:
                    var took = queue.TryTake(out var takenKey, out var taken);
                    took.Should().Be(model.Count > 0);
                    if (took)
                    {
                        (takenKey, taken).Should().Be(model[0]);
                        model.RemoveAt(0);
                    }

                    break;
                case 8:
                    queue.Remove(key).Should().Be(model.RemoveAll(e => e.Key == key) > 0);
                    break;
                default:
                    if (random.Next(20) == 0)
                    {
                        queue.Drain().Should().Equal(model);
                        model.Clear();
                    }

                    break;
            }

            queue.Count.Should().Be(model.Count);
            queue.TryGet(key, out var value).Should().Be(model.Any(e => e.Key == key));
            if (model.FindIndex(e => e.Key == key) is var i and >= 0)
            {
                value.Should().Be(model[i].Value);
            }
        }

        queue.Drain().Should().Equal(model);
    }
}
