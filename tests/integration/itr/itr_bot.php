<?php
// An open-line bot that makes the calls of the ITR bot of the Bitrix24 examples (itr.php in
// bitrix24com/bots, protocol-openlines.md §10), written for imhub's tests: a local application
// that registers its bot on ONAPPINSTALL, greets the client of a LINES chat with a numbered menu
// on ONIMBOTJOINCHAT (only when USER_ID > 0), answers the first word of each ONIMBOTMESSAGEADD,
// and hands over with imopenlines.bot.session.operator / .transfer / .finish. Every call goes to
// the event's own `auth.client_endpoint` with the event's access token, form-encoded, no SDK.
//
// The menus are the ones of the spec's itrRun() example. Menu state per dialog lives in
// state.json beside the script; calls are appended to calls.log (method and answer) for the test.

$stateFile = __DIR__ . '/state.json';
$logFile = __DIR__ . '/calls.log';

function load_state(string $file): array
{
    $s = is_file($file) ? json_decode((string)file_get_contents($file), true) : null;
    return is_array($s) ? $s : ['menu' => []];
}

function rest_command(string $method, array $params, array $auth): array
{
    global $logFile;
    $params['auth'] = $auth['access_token'] ?? '';
    $context = stream_context_create(['http' => [
        'method' => 'POST',
        'header' => "Content-Type: application/x-www-form-urlencoded\r\n",
        'content' => http_build_query($params),
        'ignore_errors' => true,
        'timeout' => 10,
    ]]);
    $answer = (string)file_get_contents(($auth['client_endpoint'] ?? '') . $method, false, $context);
    file_put_contents($logFile, json_encode(['method' => $method, 'answer' => json_decode($answer, true)]) . "\n",
        FILE_APPEND);
    $decoded = json_decode($answer, true);
    return is_array($decoded) ? $decoded : [];
}

// itrRun() of the spec: menu 0 and menu 1, each item "what to do".
function menus(): array
{
    return [
        0 => ['text' => 'Main menu (#0)', 'items' => [
            1 => ['Text', 'text', 'Text message (for #USER_NAME#)', false],
            2 => ['Text without menu', 'text', 'Text message without menu', true],
            3 => ['Open menu #1', 'menu', 1],
            0 => ['Wait operator answer', 'text', 'Wait operator answer', true],
        ]],
        1 => ['text' => 'Second menu (#1)', 'items' => [
            2 => ['Transfer to queue', 'queue', 'Transfer to queue'],
            3 => ['Transfer to user', 'user', 1, 'Transfer to user #1'],
            5 => ['Finish session', 'finish', 'Finish session'],
            9 => ['Back to main menu', 'menu', 0],
        ]],
    ];
}

function send_text(string $dialogId, string $text, array $auth): void
{
    rest_command('imbot.message.add', ['DIALOG_ID' => $dialogId, 'MESSAGE' => $text], $auth);
}

function show_menu(string $dialogId, int $menu, array $auth): void
{
    $m = menus()[$menu];
    $lines = [];
    foreach ($m['items'] as $n => $item) $lines[] = "[send=$n]$n. {$item[0]}[/send]";
    send_text($dialogId, $m['text'] . '[br]' . implode('[br]', $lines), $auth);
}

function itr_run(string $dialogId, int $userId, string $message, string $userName, array $auth): void
{
    global $stateFile;
    if ($userId <= 0) return;
    $state = load_state($stateFile);
    $current = (int)($state['menu'][$dialogId] ?? 0);
    $chatId = (int)substr($dialogId, 4);
    $word = strtok(trim($message), " \t\n");
    $items = menus()[$current]['items'];
    if ($word === false || $word === '' || !ctype_digit($word) || !isset($items[(int)$word])) {
        show_menu($dialogId, $current, $auth);
        return;
    }
    $item = $items[(int)$word];
    switch ($item[1]) {
        case 'text':
            send_text($dialogId, str_replace('#USER_NAME#', $userName, $item[2]), $auth);
            if (!$item[3]) show_menu($dialogId, $current, $auth);
            break;
        case 'menu':
            $state['menu'][$dialogId] = $item[2];
            file_put_contents($stateFile, json_encode($state));
            show_menu($dialogId, $item[2], $auth);
            break;
        case 'queue':
            send_text($dialogId, $item[2], $auth);
            rest_command('imopenlines.bot.session.operator', ['CHAT_ID' => $chatId], $auth);
            break;
        case 'user':
            send_text($dialogId, $item[3], $auth);
            rest_command('imopenlines.bot.session.transfer',
                ['CHAT_ID' => $chatId, 'USER_ID' => $item[2], 'LEAVE' => 'N'], $auth);
            break;
        case 'finish':
            send_text($dialogId, $item[2], $auth);
            rest_command('imopenlines.bot.session.finish', ['CHAT_ID' => $chatId], $auth);
            break;
    }
}

$event = $_REQUEST['event'] ?? '';
$data = $_REQUEST['data'] ?? [];
$auth = $_REQUEST['auth'] ?? [];
$self = 'http://' . $_SERVER['HTTP_HOST'] . $_SERVER['SCRIPT_NAME'];

switch ($event) {
    case 'ONAPPINSTALL':
        rest_command('imbot.register', [
            'CODE' => 'itrbot',
            'TYPE' => 'O',
            'EVENT_MESSAGE_ADD' => $self,
            'EVENT_WELCOME_MESSAGE' => $self,
            'EVENT_BOT_DELETE' => $self,
            'OPENLINE' => 'Y',
            'PROPERTIES' => ['NAME' => 'ITR Bot', 'WORK_POSITION' => 'Open line bot', 'COLOR' => 'RED'],
        ], $auth);
        break;
    case 'ONIMBOTJOINCHAT':
        if (($data['PARAMS']['CHAT_ENTITY_TYPE'] ?? '') !== 'LINES') break;
        itr_run($data['PARAMS']['DIALOG_ID'], (int)$data['PARAMS']['USER_ID'], '', '', $auth);
        break;
    case 'ONIMBOTMESSAGEADD':
        if (($data['PARAMS']['CHAT_ENTITY_TYPE'] ?? '') !== 'LINES') break;
        itr_run($data['PARAMS']['DIALOG_ID'], (int)$data['PARAMS']['FROM_USER_ID'], $data['PARAMS']['MESSAGE'] ?? '',
            $data['USER']['NAME'] ?? '', $auth);
        break;
}
echo 'OK';
