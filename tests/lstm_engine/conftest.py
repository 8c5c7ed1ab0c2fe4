"""Tiny Japanese and English corpora and a small trained model shared by the language-model tests."""
from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from lstm_engine.checkpoint import LoadedLanguageModel, load_language_model
from lstm_engine.config import LanguageModelConfig, TrainConfig
from lstm_engine.data import Block, Document
from lstm_engine.device import torch_threads
from lstm_engine.training import LanguageModelTrainResult, train_language_model

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench"

JAPANESE_ARTICLES: list[tuple[str, list[str], list[tuple[str, str]]]] = [
    (
        "コーヒーの淹れ方：自宅でおいしく飲むための基本",
        ["コーヒー", "淹れ方"],
        [
            ("paragraph", "自宅でコーヒーを淹れるときは、豆の鮮度とお湯の温度が味を大きく左右します。今回は初心者でも失敗しにくい淹れ方を紹介します。"),
            ("heading", "コーヒー豆の選び方"),
            ("paragraph", "豆は焙煎から二週間以内のものを選ぶと香りが豊かです。浅煎りは酸味が明るく、深煎りは苦味とコクが強くなります。"),
            ("heading", "お湯の温度と蒸らし"),
            ("paragraph", "お湯は九十度前後が目安です。最初に少量のお湯を注いで三十秒ほど蒸らすと、粉全体から成分がむらなく出ます。"),
        ],
    ),
    (
        "観葉植物の育て方：初心者が枯らさないためのコツ",
        ["観葉植物", "育て方"],
        [
            ("paragraph", "観葉植物は部屋の雰囲気を明るくしてくれますが、水のやりすぎで枯らしてしまう人も多いです。基本の育て方を確認しましょう。"),
            ("heading", "水やりのタイミング"),
            ("paragraph", "土の表面が乾いてからたっぷりと水を与えるのが基本です。受け皿にたまった水は根腐れの原因になるので、こまめに捨てます。"),
            ("heading", "置き場所と日当たり"),
            ("paragraph", "多くの観葉植物は直射日光を嫌います。レースのカーテン越しにやわらかい光が入る場所に置くと、葉の色がきれいに保てます。"),
        ],
    ),
    (
        "ランニングを続けるコツ：無理なく習慣にする方法",
        ["ランニング", "習慣"],
        [
            ("paragraph", "ランニングを始めても、三日で終わってしまうことはよくあります。続けるためには、最初から頑張りすぎないことが大切です。"),
            ("heading", "短い距離から始める"),
            ("paragraph", "最初の一か月は一回二十分ほどのゆっくりした走りで十分です。息が上がらない速さで走ると、体への負担も少なくなります。"),
            ("heading", "記録をつけて習慣にする"),
            ("paragraph", "走った日と距離を手帳やアプリに記録すると、小さな達成感が積み重なります。習慣になれば、走らない日が物足りなく感じられます。"),
        ],
    ),
    (
        "家計簿のつけ方：お金の流れを見える化する",
        ["家計簿", "節約"],
        [
            ("paragraph", "家計簿をつけると、毎月どこにお金を使っているかがはっきりします。節約の第一歩は、支出を正しく知ることです。"),
            ("heading", "費目は少なく分ける"),
            ("paragraph", "食費、住居費、通信費、趣味など、五つから七つの費目に分けると続けやすくなります。細かく分けすぎると記録が面倒になります。"),
            ("heading", "月末に振り返る"),
            ("paragraph", "月末には予算と実際の支出を比べます。使いすぎた費目が分かれば、翌月の節約の目標を具体的に決められます。"),
        ],
    ),
    (
        "在宅勤務を快適にする工夫：集中できる環境づくり",
        ["在宅勤務", "集中"],
        [
            ("paragraph", "在宅勤務では通勤がなくなる一方で、仕事と生活の区切りがあいまいになりがちです。集中できる環境を整えることが重要です。"),
            ("heading", "作業場所を決める"),
            ("paragraph", "小さな机でも、仕事専用の場所を決めると気持ちが切り替わります。椅子の高さと画面の位置を調整すると、肩こりも減ります。"),
            ("heading", "休憩の取り方"),
            ("paragraph", "一時間に一度は立ち上がって体を伸ばしましょう。短い休憩を挟むほうが、結果として一日の集中が長く続きます。"),
        ],
    ),
    (
        "キャンプの持ち物リスト：初めてでも安心の準備",
        ["キャンプ", "持ち物"],
        [
            ("paragraph", "初めてのキャンプでは、何を持っていけばよいか迷うものです。必要な持ち物を早めにリストにしておくと安心です。"),
            ("heading", "寝るための道具"),
            ("paragraph", "テント、寝袋、マットは必ず用意します。夜は想像より冷えるので、季節に合った寝袋と上着を持っていきましょう。"),
            ("heading", "料理と明かり"),
            ("paragraph", "バーナーと鍋があれば簡単な料理ができます。ランタンやヘッドライトは、暗くなる前に使えるか確認しておきます。"),
        ],
    ),
    (
        "パン作りの基本：ふんわり焼き上げるポイント",
        ["パン作り", "発酵"],
        [
            ("paragraph", "家でパン作りをすると、焼きたての香りが部屋いっぱいに広がります。ふんわり仕上げるには発酵の見極めが大切です。"),
            ("heading", "生地をよくこねる"),
            ("paragraph", "生地は表面がなめらかになるまで十分にこねます。薄く伸ばしても破れなければ、こね上がりの目安です。"),
            ("heading", "発酵の温度と時間"),
            ("paragraph", "一次発酵は三十度前後で四十分から一時間ほどかけます。生地が二倍ほどに膨らんだら、次の工程に進みましょう。"),
        ],
    ),
    (
        "SEO対策の基本：検索で見つけてもらう記事の書き方",
        ["SEO対策", "検索"],
        [
            ("paragraph", "SEO対策とは、検索結果で記事を見つけてもらうための工夫です。読者の疑問に正面から答える記事が評価されやすくなります。"),
            ("heading", "キーワードを決める"),
            ("paragraph", "まず読者が検索しそうな言葉を調べます。タイトルと最初の段落にキーワードを入れると、記事の主題が伝わりやすくなります。"),
            ("heading", "見出しで構成を整える"),
            ("paragraph", "見出しを使って内容を整理すると、読者も検索エンジンも記事の流れを理解しやすくなります。一つの見出しには一つの話題を書きます。"),
        ],
    ),
    (
        "自転車通勤のすすめ：健康と節約を両立する",
        ["自転車通勤", "健康"],
        [
            ("paragraph", "自転車通勤は運動不足の解消に役立ち、交通費の節約にもなります。健康のために始める人が増えています。"),
            ("heading", "安全な装備"),
            ("paragraph", "ヘルメットとライトは必ず使いましょう。雨の日に備えて、レインウエアと泥よけがあると快適に走れます。"),
            ("heading", "無理のない距離"),
            ("paragraph", "片道十キロ以内なら、多くの人が無理なく続けられます。最初は週に二回ほどから始めると、体が慣れていきます。"),
        ],
    ),
    (
        "よく眠るための習慣：睡眠の質を上げる方法",
        ["睡眠", "習慣"],
        [
            ("paragraph", "睡眠の質が上がると、日中の集中力や気分が安定します。毎日の小さな習慣を見直すことから始めましょう。"),
            ("heading", "寝る前の過ごし方"),
            ("paragraph", "寝る一時間前にはスマートフォンを置き、部屋の明かりを少し暗くします。ぬるめのお風呂に入ると、体が自然に休む準備を始めます。"),
            ("heading", "起きる時間をそろえる"),
            ("paragraph", "休日も平日と同じ時間に起きると、体内時計が整います。朝の光を浴びることで、夜に眠気が訪れやすくなります。"),
        ],
    ),
]

ENGLISH_ARTICLES: list[tuple[str, list[str], list[tuple[str, str]]]] = [
    (
        "How to Brew Better Coffee at Home",
        ["coffee", "brewing"],
        [
            ("paragraph", "Good coffee at home starts with fresh beans and water at the right temperature. This guide walks through a simple brewing routine that works for beginners."),
            ("heading", "Choosing coffee beans"),
            ("paragraph", "Buy beans roasted within the last two weeks and grind them just before brewing. Light roasts taste bright, while dark roasts taste bold and bitter."),
            ("heading", "Water and timing"),
            ("paragraph", "Heat the water to about ninety degrees and pour a little first to let the grounds bloom. After thirty seconds, pour the rest slowly in small circles."),
        ],
    ),
    (
        "A Beginner Guide to Houseplants",
        ["houseplants", "watering"],
        [
            ("paragraph", "Houseplants make a room feel calm, but many die from too much water. A few simple habits keep them healthy for years."),
            ("heading", "When to water"),
            ("paragraph", "Water only when the top of the soil feels dry, then water deeply. Empty the saucer afterwards so the roots do not sit in water."),
            ("heading", "Light and placement"),
            ("paragraph", "Most houseplants prefer bright light without direct sun. A spot near a window with a thin curtain keeps the leaves green and strong."),
        ],
    ),
    (
        "How to Make Running a Habit",
        ["running", "habit"],
        [
            ("paragraph", "Many people start running and stop after a week. The secret to a lasting habit is to begin slowly and enjoy the small wins."),
            ("heading", "Start with short runs"),
            ("paragraph", "For the first month, twenty minutes at an easy pace is enough. Running slowly protects your knees and keeps your breathing relaxed."),
            ("heading", "Track your progress"),
            ("paragraph", "Write down each run in a notebook or an app. Seeing the list grow gives you a reason to lace up your shoes again tomorrow."),
        ],
    ),
    (
        "Simple Budgeting for Busy People",
        ["budgeting", "saving money"],
        [
            ("paragraph", "Budgeting does not need complex spreadsheets. Knowing where your money goes each month is the first step to saving money."),
            ("heading", "Use a few categories"),
            ("paragraph", "Split spending into five to seven categories such as food, rent, phone and hobbies. Too many categories make the budget hard to keep."),
            ("heading", "Review at the end of the month"),
            ("paragraph", "Compare the plan with what you actually spent. When one category runs over, set a clear limit for it next month."),
        ],
    ),
    (
        "Working From Home Without Losing Focus",
        ["remote work", "focus"],
        [
            ("paragraph", "Remote work removes the commute, but it also blurs the line between work and home. A good setup helps you focus for longer."),
            ("heading", "Pick a work spot"),
            ("paragraph", "Even a small desk works if you use it only for work. Adjust the chair and the screen so your neck and shoulders stay relaxed."),
            ("heading", "Take short breaks"),
            ("paragraph", "Stand up and stretch once an hour. Short breaks keep your focus sharp and make the whole day more productive."),
        ],
    ),
    (
        "Camping Checklist for First Timers",
        ["camping", "checklist"],
        [
            ("paragraph", "Your first camping trip is easier with a clear checklist. Pack the essentials early so nothing important is left at home."),
            ("heading", "Sleeping gear"),
            ("paragraph", "Bring a tent, a sleeping bag and a sleeping pad. Nights outdoors are colder than you expect, so pack a warm jacket too."),
            ("heading", "Cooking and light"),
            ("paragraph", "A small stove and one pot are enough for simple meals. Test your lantern and headlamp before it gets dark."),
        ],
    ),
    (
        "Baking Soft Bread at Home",
        ["bread", "baking"],
        [
            ("paragraph", "Baking bread at home fills the kitchen with a warm smell. Soft bread depends on good kneading and patient rising."),
            ("heading", "Knead the dough well"),
            ("paragraph", "Knead until the dough feels smooth and elastic. If you can stretch a thin piece without tearing it, the dough is ready."),
            ("heading", "Let it rise"),
            ("paragraph", "Let the dough rise in a warm place for about an hour. When it has doubled in size, shape it and bake it in a hot oven."),
        ],
    ),
    (
        "SEO Basics for New Bloggers",
        ["SEO", "keywords"],
        [
            ("paragraph", "SEO helps readers find your posts through search. Articles that answer a clear question tend to rank well over time."),
            ("heading", "Choose your keywords"),
            ("paragraph", "Look for the words your readers type into search. Put the main keywords in the title and in the first paragraph of the post."),
            ("heading", "Structure with headings"),
            ("paragraph", "Headings break the article into clear parts. Each heading should cover one topic so readers and search engines can follow along."),
        ],
    ),
    (
        "Why Cycling to Work Pays Off",
        ["cycling", "commute"],
        [
            ("paragraph", "Cycling to work turns the daily commute into exercise and saves money on transport. More people try it every year."),
            ("heading", "Ride safely"),
            ("paragraph", "Always wear a helmet and use lights. Rain gear and mudguards make wet days far more comfortable."),
            ("heading", "Keep the distance reasonable"),
            ("paragraph", "A commute under ten kilometres is easy for most riders. Start with two days a week and let your body adapt."),
        ],
    ),
    (
        "Sleep Better With Small Daily Habits",
        ["sleep", "habits"],
        [
            ("paragraph", "Better sleep improves your mood and your focus during the day. Small daily habits make a big difference over time."),
            ("heading", "Before bed"),
            ("paragraph", "Put your phone away an hour before bed and dim the lights. A warm bath helps the body prepare for rest."),
            ("heading", "Wake up at the same time"),
            ("paragraph", "Waking at the same time every day sets your body clock. Morning light makes it easier to feel sleepy at night."),
        ],
    ),
]


def _documents(articles: list[tuple[str, list[str], list[tuple[str, str]]]]) -> list[Document]:
    return [
        Document(title=title, keywords=list(keywords), blocks=[Block(kind, text) for kind, text in blocks])  # type: ignore[arg-type]
        for title, keywords, blocks in articles
    ]


@pytest.fixture(scope="session")
def bench_script() -> Iterator[Callable[[str], ModuleType]]:
    """Loader of a script in bench/ by name, as a module registered in sys.modules."""
    loaded: dict[str, ModuleType] = {}

    def load(name: str) -> ModuleType:
        if name not in loaded:
            spec = importlib.util.spec_from_file_location(name, BENCH_DIR / f"{name}.py")
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            # Dataclasses look their module up by name while the script runs.
            sys.modules[name] = module
            spec.loader.exec_module(module)
            loaded[name] = module
        return loaded[name]

    yield load
    for name in loaded:
        sys.modules.pop(name, None)


@pytest.fixture
def one_thread() -> Iterator[None]:
    """Run the test on one intra-op thread, because tiny models run slower with more on a busy machine."""
    with torch_threads(1):
        yield


@pytest.fixture(scope="session")
def japanese_documents() -> list[Document]:
    """Ten short Japanese how-to articles."""
    return _documents(JAPANESE_ARTICLES)


@pytest.fixture(scope="session")
def english_documents() -> list[Document]:
    """Ten short English how-to articles."""
    return _documents(ENGLISH_ARTICLES)


def _tiny_model_config() -> LanguageModelConfig:
    """Return a model configuration small enough to train in a few seconds on one CPU core."""
    return LanguageModelConfig(
        vocab_size=600, embedding_size=32, hidden_size=64, num_layers=1, dropout=0.1, embedding_dropout=0.0
    )


def _tiny_train_config(**overrides: object) -> TrainConfig:
    """Return a short, CPU-only, deterministic training configuration."""
    settings: dict[str, object] = {
        "batch_size": 4,
        "bptt": 32,
        "epochs": 3,
        "max_steps": 60,
        "learning_rate": 5e-3,
        "warmup_steps": 5,
        "eval_every": 20,
        "checkpoint_every": 20,
        "early_stopping_patience": None,
        "validation_fraction": 0.2,
        "device": "cpu",
        "seed": 7,
        "num_threads": 1,
    }
    settings.update(overrides)
    return TrainConfig(**settings)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def tiny_model_config() -> Callable[[], LanguageModelConfig]:
    """Factory of the few-second model configuration."""
    return _tiny_model_config


@pytest.fixture(scope="session")
def tiny_train_config() -> Callable[..., TrainConfig]:
    """Factory of the short CPU training configuration, whose keyword arguments override fields."""
    return _tiny_train_config


@pytest.fixture(scope="session")
def trained_directory(
    tmp_path_factory: pytest.TempPathFactory, japanese_documents: list[Document], english_documents: list[Document]
) -> tuple[Path, LanguageModelTrainResult]:
    """Train one tiny bilingual model for the sampling, checkpoint and drafting tests."""
    directory = tmp_path_factory.mktemp("bilingual-model")
    result = train_language_model(
        japanese_documents + english_documents,
        directory,
        model_config=_tiny_model_config(),
        train_config=_tiny_train_config(max_steps=150, eval_every=50, checkpoint_every=50),
    )
    return directory, result


@pytest.fixture(scope="session")
def loaded_model(trained_directory: tuple[Path, LanguageModelTrainResult]) -> LoadedLanguageModel:
    """The tiny bilingual LSTM, loaded for generation."""
    return load_language_model(trained_directory[0])


@pytest.fixture(scope="session")
def loaded_baseline(trained_directory: tuple[Path, LanguageModelTrainResult]) -> LoadedLanguageModel:
    """The n-gram baseline of the tiny bilingual model, loaded for generation."""
    return load_language_model(trained_directory[0], use_baseline=True)


@pytest.fixture
def livedoor_documents(test_data_dir: Path) -> list[Document]:
    """Forty livedoor news articles (five per category), bodies cut to about 600 characters."""
    text_dir = test_data_dir / "livedoor-news" / "text"
    documents: list[Document] = []
    for category in sorted(path for path in text_dir.iterdir() if path.is_dir())[:8]:
        for path in sorted(category.glob(f"{category.name}-*.txt"))[:5]:
            lines = path.read_text(encoding="utf-8").splitlines()
            blocks: list[Block] = []
            for line in lines[3:]:
                if line.strip():
                    blocks.append(Block("paragraph", line))
                if sum(len(block.text) for block in blocks) > 600:
                    break
            documents.append(Document(title=lines[2], blocks=blocks, keywords=[category.name]))
    return documents
