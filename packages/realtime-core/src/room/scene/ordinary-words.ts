// Words a name can look like by accident. A name that is one of them ("Will", "Hope", an alias
// such as "captain") only counts when it is used to call someone (vocative) or written as a
// proper noun; an ASR-garbled near miss never counts when it lands on one of them ("mark" is not
// "Mara"). English: the most frequent words and forms of address; Chinese: titles and roles.

const ENGLISH = `a about above after again against all almost also always am an and another any are around as
ask at away back be because been before being below best better between big both boy bring but by call
came can car care case child come could day did do does done door down each end even ever every eye
face fact far feel few find first for form found friend from game gave get girl give go going good got
great group had hand hard has have he head hear her here high him his home hope house how i if in into
is it its just keep kind know land last late lead least leave left let life light like line little live
long look love made make man many mark may me mean men might mind miss more most mother move much must
my name near need never new next nice night no not now number of off often oh ok old on once one only
open or other our out over own part people place play point put read real right room run said same saw
say school see seem set she should show side small so some something sound start state still stop such
sure take talk tell than that the their them then there these they thing think this those thought three
through time to told too took town try turn two under until up upon us use very wait walk want war was
watch water way we well went were what when where which while white who whole why will with word work
world would year yes yet you young your
sir madam lady lord king queen prince princess captain doctor doc boss chief master mister miss missus
professor teacher sister brother father mom mum dad uncle aunt grandma grandpa honey dear buddy mate
guys everyone everybody friend friends sweetie darling kid kids boys girls folks pal dude man woman
narrator guard guards knight sheriff officer nurse priest father mayor general colonel sergeant`;

const CHINESE = `老师 先生 小姐 女士 老板 老大 船长 队长 医生 大夫 师父 师傅 大人 陛下 殿下 公主 王子 阁下 同学 朋友
大家 各位 哥哥 姐姐 弟弟 妹妹 爸爸 妈妈 叔叔 阿姨 爷爷 奶奶 宝贝 亲爱的 老兄 兄弟 小朋友 警官 将军 国王 女王`;

export const ORDINARY_WORDS: ReadonlySet<string> = new Set([
  ...ENGLISH.split(/\s+/).filter(Boolean),
  ...CHINESE.split(/\s+/).filter(Boolean),
]);

/** Words that open a call ("hey Mara", "嘿，玛拉"): skipped when deciding whether a name starts the utterance. */
export const GREETINGS: ReadonlySet<string> = new Set([
  'hey',
  'hi',
  'hello',
  'ok',
  'okay',
  'oh',
  'so',
  'well',
  'yo',
  'and',
  'but',
  'now',
  'please',
  'dear',
  'listen',
  'look',
  'excuse',
  'sorry',
  'thanks',
  'thank',
]);

export const HAN_GREETINGS = ['你好', '哈喽', '请问', '那么', '那', '嘿', '喂', '哎', '诶', '嗨', '哦', '好'];

/** After a name at the start of an utterance, these make it a statement about them, not a call. */
export const THIRD_PERSON = new Set([
  'is',
  'was',
  'has',
  'had',
  'says',
  'said',
  'does',
  'did',
  'will',
  'would',
  'can',
  'could',
  'should',
  'seems',
  'thinks',
  'knows',
  'wants',
  'looks',
  'isn',
  'wasn',
  'doesn',
  'didn',
  'won',
  'told',
  'never',
  'always',
]);

/** Before a word, these make it a common noun ("the captain"), not a call. */
export const DETERMINERS = new Set([
  'the',
  'a',
  'an',
  'my',
  'our',
  'his',
  'her',
  'their',
  'this',
  'that',
  'some',
]);

/** Han characters that may follow a called name ("玛拉你…", "玛拉啊"). */
export const HAN_CALL_FOLLOWERS = '你您啊呀哦呢吧嘛';
/** Han characters that may precede a name called at the end ("你觉得呢玛拉"). */
export const HAN_CALL_PRECEDERS = '呢吧啊嘛吗呀哦';
