<?php
// EchoBot on the raw Bitrix24 event payload: imhub POSTs events form-encoded with PHP brackets,
// exactly as Bitrix24 does, so $_REQUEST['data']['PARAMS']['MESSAGE'] just works. The bot was
// registered through an inbound webhook with a CLIENT_ID (run.sh), so it answers through the same
// webhook and CLIENT_ID. No SDK, no framework.
//
// Configuration (environment, set by run.sh): IMHUB_WEBHOOK (https?://host/rest/USER/SECRET/)
// and IMHUB_CLIENT_ID.

function imhub_call(string $method, array $params): array
{
    $params['CLIENT_ID'] = getenv('IMHUB_CLIENT_ID');
    $context = stream_context_create(['http' => [
        'method' => 'POST',
        'header' => "Content-Type: application/x-www-form-urlencoded\r\n",
        'content' => http_build_query($params),
        'ignore_errors' => true,
        'timeout' => 10,
    ]]);
    $answer = file_get_contents(getenv('IMHUB_WEBHOOK') . $method, false, $context);
    $decoded = json_decode((string)$answer, true);
    if (!is_array($decoded) || isset($decoded['error'])) {
        error_log("bot.php: $method failed: $answer");
        return [];
    }
    return $decoded;
}

function again_button(string $text): array
{
    return [['TEXT' => 'Again', 'COMMAND' => 'echo', 'COMMAND_PARAMS' => $text]];
}

$event = $_REQUEST['event'] ?? '';
$data = $_REQUEST['data'] ?? [];

switch ($event) {
    case 'ONIMBOTJOINCHAT':
        foreach (array_keys($data['BOT'] ?? []) as $botId) {
            imhub_call('imbot.message.add', ['BOT_ID' => $botId, 'DIALOG_ID' => $data['PARAMS']['DIALOG_ID'],
                'MESSAGE' => 'Hi! I repeat what you say.']);
        }
        break;
    case 'ONIMBOTMESSAGEADD':
        $text = $data['PARAMS']['MESSAGE'] ?? '';
        foreach (array_keys($data['BOT'] ?? []) as $botId) {
            imhub_call('imbot.message.add', ['BOT_ID' => $botId, 'DIALOG_ID' => $data['PARAMS']['DIALOG_ID'],
                'MESSAGE' => "You said: $text", 'KEYBOARD' => again_button($text)]);
        }
        break;
    case 'ONIMCOMMANDADD':
        // The "Again" button (registered as the bot's command `echo` by run.sh) and typed "/echo text".
        foreach ($data['COMMAND'] ?? [] as $command) {
            imhub_call('imbot.command.answer', ['COMMAND_ID' => $command['COMMAND_ID'],
                'MESSAGE_ID' => $command['MESSAGE_ID'], 'MESSAGE' => 'Again: ' . $command['COMMAND_PARAMS']]);
        }
        break;
}
echo 'ok';
